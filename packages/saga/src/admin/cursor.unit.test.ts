import { isConveyorError } from '@conveyor/events';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type SagaCursor } from './cursor.ts';

const position: SagaCursor = {
  createdAt: '2026-03-01T12:34:56.123456Z',
  id: '0b9d7f0e-5f3c-4a53-9d7e-2f1f0c3a8b41',
};

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function refusal(cursor: string): unknown {
  try {
    decodeCursor(cursor);
  } catch (error) {
    return error;
  }
  throw new Error(`cursor ${cursor} was accepted`);
}

describe('saga list cursor', () => {
  it('round-trips a position with microseconds as an opaque base64url string', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(position.id);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['characters outside base64url', 'abc$def'],
    ['standard base64 padding', `${encodeCursor(position)}=`],
    ['base64url that is not JSON', Buffer.from('not json').toString('base64url')],
    ['JSON of another shape', encode({ createdAt: position.createdAt, id: position.id })],
    ['a pair with one element', encode([position.createdAt])],
    ['a timestamp without microseconds', encode(['2026-03-01T12:34:56.123Z', position.id])],
    ['a day that does not exist', encode(['2026-02-30T12:34:56.123456Z', position.id])],
    ['an hour out of range', encode(['2026-03-01T25:34:56.123456Z', position.id])],
    ['year zero', encode(['0000-03-01T12:34:56.123456Z', position.id])],
    ['an id that is not a uuid', encode([position.createdAt, 'saga-1'])],
    ['a number for the id', encode([position.createdAt, 42])],
  ])('refuses %s with SAGA_INVALID_CURSOR naming the cursor field', (_, cursor) => {
    const error = refusal(cursor);
    expect(isConveyorError(error, 'SAGA_INVALID_CURSOR')).toBe(true);
    expect(error).toMatchObject({ statusCode: 400, details: { field: 'cursor' } });
  });
});
