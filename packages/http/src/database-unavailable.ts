/**
 * Whether a request failed because its database could not be reached or dropped the connection
 * under it (a restart, a failover, pg_terminate_backend, a pool with no connection to give):
 * nothing about the request was wrong, and the same request may succeed a moment later, at this
 * instance or another. Recognised by shape, like the rest of problem-details.ts: PostgreSQL's
 * SQLSTATE classes 08 (connection exception) and 57P (operator intervention), 53300 (too many
 * connections), a socket error code, or node-postgres' own messages, which carry no code.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code.startsWith('08') || code.startsWith('57P') || code === '53300') return true;
  if (SOCKET_CODES.has(code)) return true;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  return PG_CLIENT_MESSAGES.some((text) => message.includes(text));
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const PG_CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];
