import { SAGA_REPLY_TYPE } from '../saga-headers.ts';
import { replyTypeOf } from '../saga-replies.ts';
import type { SagaDetailView } from './admin-schemas.ts';
import type { JourneyMessageView, MessageRecordsView, SagaJourneyView } from './journey-schemas.ts';

/** A source's answer for some message ids, or why it gave none. */
export type MessageSourceAnswer =
  | { ok: true; records: MessageRecordsView }
  | { ok: false; source: string; error: string };

/** Asks every source (this service's own tables, each participant's admin API) about the ids. */
export type LookupMessages = (ids: readonly string[]) => Promise<MessageSourceAnswer[]>;

/**
 * The saga beside the messages that moved it: its commands and compensations (ids from its log),
 * the replies that name them as their cause, each with its outbox sends and the inbox rows of the
 * consumers that applied it. Two rounds: the commands' ids find the replies, the replies' ids find
 * the orchestrator's inbox rows.
 */
export async function sagaJourney(saga: SagaDetailView, lookup: LookupMessages): Promise<SagaJourneyView> {
  const commands = commandsOf(saga);
  const first = await lookup([...commands.keys()]);
  const replyIds = new Set<string>();
  for (const answer of first)
    if (answer.ok)
      for (const row of answer.records.outbox)
        if (row.causationId !== null && commands.has(row.causationId) && !commands.has(row.messageId))
          replyIds.add(row.messageId);
  const second = replyIds.size === 0 ? [] : await lookup([...replyIds]);
  return {
    saga,
    messages: joinMessages(commands, [...first, ...second]),
    sources: sourcesOf(first),
  };
}

interface CommandRef {
  kind: 'command' | 'compensation';
  step: string | null;
}

/** Every command id the log names, with its step and whether it compensates. */
function commandsOf(saga: SagaDetailView): Map<string, CommandRef> {
  const commands = new Map<string, CommandRef>();
  for (const entry of saga.timeline) {
    if (entry.commandId === null || commands.has(entry.commandId)) continue;
    if (entry.action !== 'command' && entry.action !== 'compensation') continue;
    commands.set(entry.commandId, { kind: entry.action, step: entry.step });
  }
  return commands;
}

/** Pure: the answers grouped by message; rows seen twice (two replicas asked) count once. */
export function joinMessages(
  commands: ReadonlyMap<string, CommandRef>,
  answers: readonly MessageSourceAnswer[],
): JourneyMessageView[] {
  const messages = new Map<string, JourneyMessageView>();
  const order = new Map<string, string>();
  const messageOf = (id: string, causationId: string | null): JourneyMessageView => {
    const existing = messages.get(id);
    if (existing) return existing;
    const command = commands.get(id);
    const cause = causationId === null ? undefined : commands.get(causationId);
    const created: JourneyMessageView = {
      messageId: id,
      kind: command?.kind ?? 'reply',
      step: command?.step ?? cause?.step ?? null,
      type: null,
      topic: null,
      sentBy: null,
      causationId,
      traceId: null,
      sends: [],
      received: [],
    };
    messages.set(id, created);
    return created;
  };
  for (const id of commands.keys()) messageOf(id, null);
  const records = answers.flatMap((answer) => (answer.ok ? [answer.records] : []));
  for (const { service, outbox } of records) {
    for (const row of outbox) {
      const message = messageOf(row.messageId, row.causationId);
      Object.assign(message, {
        type: row.type,
        topic: row.topic,
        sentBy: service,
        causationId: row.causationId ?? message.causationId,
        traceId: row.traceId ?? message.traceId,
      });
      if (!message.sends.some((s) => s.createdAt === row.createdAt))
        message.sends.push({ createdAt: row.createdAt, publishedAt: row.publishedAt });
      const firstSend = message.sends.map((s) => s.createdAt).sort()[0];
      if (firstSend) order.set(row.messageId, firstSend);
    }
  }
  // After every outbox row: a service's inbox may name a message another service's outbox sent.
  for (const { service, inbox } of records) {
    for (const row of inbox) {
      const message = messages.get(row.messageId);
      if (!message) continue;
      if (!message.received.some((r) => r.service === service && r.consumer === row.consumer))
        message.received.push({ service, consumer: row.consumer, processedAt: row.processedAt });
    }
  }
  for (const message of messages.values()) {
    message.sends.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (commands.has(message.messageId)) continue;
    message.kind = kindOf(message, messages);
    // An event caused by a command's event (stock sold after order confirmed) belongs to that step.
    message.step ??= message.causationId === null ? null : (messages.get(message.causationId)?.step ?? null);
  }
  // Messages whose outbox rows are gone (pruned) keep the log's order, after those with rows.
  return [...messages.values()].sort((a, b) =>
    (order.get(a.messageId) ?? '~').localeCompare(order.get(b.messageId) ?? '~'),
  );
}

/**
 * What a participant wrote because of a command: its reply (`<command>.reply`, or saga.reply when
 * it carries no data: saga-replies.ts), or an event of its own (payments.charged).
 */
function kindOf(
  message: JourneyMessageView,
  messages: ReadonlyMap<string, JourneyMessageView>,
): JourneyMessageView['kind'] {
  if (message.type === null || message.type === SAGA_REPLY_TYPE) return 'reply';
  const command = message.causationId === null ? undefined : messages.get(message.causationId);
  const isReply = command?.type
    ? message.type === replyTypeOf(command.type)
    : message.type.endsWith('.reply');
  return isReply ? 'reply' : 'event';
}

function sourcesOf(answers: readonly MessageSourceAnswer[]) {
  return answers.map((answer) =>
    answer.ok
      ? { source: answer.records.service, ok: true, error: null }
      : { source: answer.source, ok: false, error: answer.error },
  );
}
