import { invalidCursor } from './admin-errors.ts';

/** A position in the admin list, ordered by (created_at DESC, id DESC). */
export interface SagaCursor {
  /**
   * created_at as ISO-8601 UTC with microseconds. Postgres keeps microseconds and a JS Date does
   * not: a cursor rounded to milliseconds would skip rows sharing the millisecond of a page's last row.
   */
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MICROS_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export const isUuid = (value: string): boolean => UUID.test(value);

/** Opaque to clients: base64url of a JSON pair, so its shape can change without breaking them. */
export function encodeCursor(cursor: SagaCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

/** Throws SAGA_INVALID_CURSOR (400, field `cursor`) for anything encodeCursor did not produce. */
export function decodeCursor(value: string): SagaCursor {
  // Node's base64 decoder skips characters it does not know; check the alphabet and round trip first.
  if (!BASE64URL.test(value)) throw invalidCursor('not base64url');
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) throw invalidCursor('not base64url');
  let decoded: unknown;
  try {
    decoded = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalidCursor('not a list cursor');
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalidCursor('not a list cursor');
  const [createdAt, id]: unknown[] = decoded;
  if (typeof createdAt !== 'string' || !isValidTimestamp(createdAt)) throw invalidCursor('bad timestamp');
  if (typeof id !== 'string' || !isUuid(id)) throw invalidCursor('bad saga id');
  return { createdAt, id };
}

/** Refuses what Postgres would refuse (a 500): out-of-range fields and dates JS rolls over (02-30). */
function isValidTimestamp(value: string): boolean {
  if (!MICROS_TIMESTAMP.test(value)) return false;
  const date = new Date(value);
  return (
    !Number.isNaN(date.getTime()) &&
    date.getUTCFullYear() >= 1 &&
    date.toISOString().slice(0, 23) === value.slice(0, 23)
  );
}
