import { Value } from 'typebox/value';
import { MessageRecords, type MessageRecordsView } from './journey-schemas.ts';
import type { LookupMessages, MessageSourceAnswer } from './saga-journey.ts';

export interface MessageSources {
  /** This service's own inbox and outbox rows of the ids. */
  local(ids: readonly string[]): Promise<MessageRecordsView>;
  /** Base URLs of the participants' services, asked at `GET /admin/messages` (every replica may be listed). */
  peers: readonly string[];
  /** How long a peer may take. @default 2000 */
  timeoutMs?: number;
}

/**
 * The lookup of one admin request: the local rows, and each peer's admin API called with the
 * operator's own token (a peer checks the role admin itself; no service trusts another's word).
 * A peer that is down, slow or answers something else becomes an answer with its error.
 */
export function lookupThrough(sources: MessageSources, authorization: string | undefined): LookupMessages {
  const timeoutMs = sources.timeoutMs ?? 2_000;
  return (ids) =>
    Promise.all([
      sources.local(ids).then(
        (records): MessageSourceAnswer => ({ ok: true, records }),
        (error: unknown): MessageSourceAnswer => ({ ok: false, source: 'local', error: messageOf(error) }),
      ),
      ...sources.peers.map((peer) => askPeer(peer, ids, authorization, timeoutMs)),
    ]);
}

async function askPeer(
  peer: string,
  ids: readonly string[],
  authorization: string | undefined,
  timeoutMs: number,
): Promise<MessageSourceAnswer> {
  const url = new URL('/admin/messages', peer);
  url.searchParams.set('ids', ids.join(','));
  try {
    const response = await fetch(url, {
      headers: authorization === undefined ? {} : { authorization },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return { ok: false, source: peer, error: `answered ${response.status}` };
    const body: unknown = await response.json();
    if (!Value.Check(MessageRecords, body))
      return { ok: false, source: peer, error: 'answered something that is not a message lookup' };
    return { ok: true, records: body };
  } catch (error) {
    return { ok: false, source: peer, error: messageOf(error) };
  }
}

const messageOf = (error: unknown) => {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
};
