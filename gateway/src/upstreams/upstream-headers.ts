import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';

/**
 * Headers that describe one connection, not the request (RFC 9110 §7.6.1), plus `Expect`: none
 * may travel to the upstream. The gateway's upstream client refuses to send several of them, and
 * a request it cannot send must never count as the upstream failing (issue 11: seven requests
 * with `Keep-Alive` ejected a service). `HTTP2-Settings` belongs to an `Upgrade: h2c`.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'expect',
]);

// What @fastify/reply-from sets itself before `rewriteRequestHeaders` runs (it has already removed
// the caller's copies of anything the caller's Connection header named).
const SET_BY_PROXY = new Set(['host', 'content-length', 'content-type']);

// Who the caller is comes from the verified token, at every service: a caller's claim is dropped.
const IDENTITY_CLAIMS = new Set(['x-user-id', 'x-user-roles']);

/** The names a Connection header lists (RFC 9110 §7.6.1), lower-cased. */
export function connectionOptions(connection: string | string[] | undefined): Set<string> {
  const values = Array.isArray(connection) ? connection : [connection ?? ''];
  return new Set(
    values
      .flatMap((value) => value.split(','))
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Whether a request header may not be forwarded as the caller sent it. */
export function isHopByHop(name: string, connectionNamed: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  return HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || connectionNamed.has(lower);
}

/**
 * What the upstream sees: the caller's end-to-end headers, without hop-by-hop ones (those the
 * caller's Connection header names among them) and without any identity claim; the caller's
 * `Authorization` unchanged (each service verifies it again), the correlation id and the
 * forwarding headers. `content-length` only when a body is sent: a GET's body is not forwarded.
 */
export function upstreamHeaders(
  request: Pick<FastifyRequest, 'headers' | 'correlationId' | 'ip' | 'protocol'>,
  headers: IncomingHttpHeaders,
  sendsBody: boolean,
): IncomingHttpHeaders {
  const named = connectionOptions(request.headers.connection);
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (IDENTITY_CLAIMS.has(lower) || lower === 'authorization') continue;
    if (lower === 'content-length' && !sendsBody) continue;
    if (isHopByHop(lower, named) && !SET_BY_PROXY.has(lower)) continue;
    kept[lower] = value;
  }
  const { authorization } = request.headers;
  return {
    ...kept,
    ...(authorization === undefined ? {} : { authorization }),
    'x-correlation-id': request.correlationId,
    // The gateway is the front door: a caller's own x-forwarded-for is not evidence of anything.
    'x-forwarded-for': request.ip,
    'x-forwarded-proto': request.protocol,
  };
}

/** The upstream's answer without its connection's headers (the gateway's own connection has its own). */
export function downstreamHeaders(headers: IncomingHttpHeaders, correlationId: string): IncomingHttpHeaders {
  const named = connectionOptions(headers.connection);
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (!isHopByHop(name, named)) kept[name.toLowerCase()] = value;
  return { ...kept, 'x-correlation-id': correlationId };
}
