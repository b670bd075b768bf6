import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { Messaging, type MessagingPart } from './messaging.ts';

const silent = pino({ level: 'silent' });
const unreachable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:19092'), { code: 'ECONNREFUSED' });

/** A part that fails its first `failures` starts with `error()`, and records what happened to it. */
function part(name: string, log: string[], failures = 0, error: () => Error = unreachable): MessagingPart {
  let left = failures;
  return {
    name,
    async start() {
      if (left-- > 0) {
        log.push(`${name} failed`);
        throw error();
      }
      log.push(`${name} started`);
    },
    async stop() {
      log.push(`${name} stopped`);
    },
  };
}

describe('the messaging side of a service', () => {
  it('starts its parts in order and stops them in reverse', async () => {
    const log: string[] = [];
    const messaging = new Messaging([part('topics', log), part('relay', log), part('consumer', log)], silent);
    expect(messaging.state).toBe('starting');
    await messaging.start();
    expect(messaging.state).toBe('running');
    await messaging.stop();
    expect(log).toEqual([
      'topics started',
      'relay started',
      'consumer started',
      'consumer stopped',
      'relay stopped',
      'topics stopped',
    ]);
    expect(messaging.state).toBe('stopped');
  });

  it('tries again from the part that could not reach its server, keeping the parts before it', async () => {
    vi.useFakeTimers();
    try {
      const log: string[] = [];
      const messaging = new Messaging([part('topics', log), part('consumer', log, 2)], silent);
      const fatal = vi.fn();
      messaging.startPatiently(fatal);
      await vi.advanceTimersByTimeAsync(0);
      expect(log).toEqual(['topics started', 'consumer failed']);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(log.at(-1)).toBe('consumer failed');
      await vi.advanceTimersByTimeAsync(2_000);
      expect(log).toEqual(['topics started', 'consumer failed', 'consumer failed', 'consumer started']);
      expect(messaging.state).toBe('running');
      expect(fatal).not.toHaveBeenCalled();
      await messaging.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('hands a failure that waiting will not mend to onFatal, and tries no more', async () => {
    const log: string[] = [];
    const misconfigured = () =>
      Object.assign(new Error('TOPIC_AUTHORIZATION_FAILED'), { name: 'KafkaJSProtocolError' });
    const messaging = new Messaging([part('topics', log, 1, misconfigured)], silent);
    const fatal = vi.fn();
    messaging.startPatiently(fatal);
    await vi.waitFor(() => expect(fatal).toHaveBeenCalledTimes(1));
    expect(fatal.mock.calls[0]?.[0]).toBeInstanceOf(Error);
    expect(messaging.state).toBe('starting');
    await messaging.stop();
    expect(log).toEqual(['topics failed']);
  });

  it('stops while it waits to try again, without starting what it had not', async () => {
    const log: string[] = [];
    const messaging = new Messaging([part('relay', log), part('consumer', log, 1_000)], silent);
    messaging.startPatiently(() => undefined);
    await vi.waitFor(() => expect(log).toContain('consumer failed'));
    await messaging.stop();
    expect(log).toEqual(['relay started', 'consumer failed', 'relay stopped']);
  });

  it('rejects with the first failure when started directly (a test, or `await` mode)', async () => {
    const log: string[] = [];
    const messaging = new Messaging([part('topics', log, 1)], silent);
    await expect(messaging.start()).rejects.toThrow('ECONNREFUSED');
    expect(messaging.state).toBe('starting');
  });
});
