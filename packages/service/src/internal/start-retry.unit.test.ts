import { describe, expect, it } from 'vitest';
import { isUnreachable, startRetryDelayMs } from './start-retry.ts';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, ...extra });

describe('a failed start that may be tried again', () => {
  it('is one whose error, or a cause of it, says a server could not be reached', () => {
    expect(isUnreachable(named('KafkaJSConnectionError'))).toBe(true);
    const wrapped = named('KafkaJSNumberOfRetriesExceeded', { cause: named('KafkaJSConnectionError') });
    expect(isUnreachable(wrapped)).toBe(true);
    expect(isUnreachable(named('KafkaJSNonRetriableError', { originalError: wrapped }))).toBe(true);
    expect(isUnreachable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnreachable(named('KafkaJSNoBrokerAvailableError'))).toBe(true);
    const noCoordinator = named('KafkaJSProtocolError', {
      type: 'COORDINATOR_NOT_AVAILABLE',
      retriable: true,
    });
    expect(isUnreachable(named('KafkaJSNumberOfRetriesExceeded', { cause: noCoordinator }))).toBe(true);
  });

  it('is not one that fails for a reason another try will not change', () => {
    expect(isUnreachable(new Error('migration 0007 failed'))).toBe(false);
    expect(
      isUnreachable(named('KafkaJSProtocolError', { type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false })),
    ).toBe(false);
    expect(isUnreachable(Object.assign(new Error('no such database'), { code: '3D000' }))).toBe(false);
    expect(isUnreachable(undefined)).toBe(false);
  });

  it('waits 1 s doubling to 15 s', () => {
    expect([1, 2, 3, 4, 5, 6].map(startRetryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
  });
});
