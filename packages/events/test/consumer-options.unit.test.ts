import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AvroCodec } from '../src/codec/avro-codec.ts';
import { compileConsumerOptions } from '../src/consumer/consumer-options.ts';
import { type ConsumerRunnerOptions, type EventsDatabase, isConveyorError } from '../src/index.ts';

const base: ConsumerRunnerOptions = {
  kafka: {} as Kafka,
  db: {} as Kysely<EventsDatabase>,
  codec: {} as AvroCodec,
  name: 'orders-projection',
  topics: ['orders.events'],
  handlers: { 'order.placed': async () => undefined },
};

function refusal(options: Partial<ConsumerRunnerOptions>): string {
  try {
    compileConsumerOptions({ ...base, ...options });
  } catch (error) {
    if (isConveyorError(error, 'CONVEYOR_INVALID_OPTIONS')) return error.message;
    throw error;
  }
  throw new Error('the options were accepted');
}

describe('consumer runner options', () => {
  it('fills in the documented defaults', () => {
    const compiled = compileConsumerOptions(base);
    expect(compiled.groupId).toBe('orders-projection');
    expect(compiled.retry).toEqual({ attempts: 5, initialBackoffMs: 100, maxBackoffMs: 5_000 });
    expect(compiled.fromBeginning).toBe(true);
    expect(compiled.partitionsConsumedConcurrently).toBe(1);
    expect(compiled.consumerConfig).toEqual({
      maxWaitTimeInMs: 1_000,
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 15_000,
    });
    expect([...compiled.handlers.keys()]).toEqual(['order.placed']);
  });

  it('keeps what the caller set', () => {
    const compiled = compileConsumerOptions({
      ...base,
      groupId: 'g',
      retry: { attempts: 2 },
      consumerConfig: { sessionTimeout: 30_000 },
    });
    expect(compiled.groupId).toBe('g');
    expect(compiled.retry).toEqual({ attempts: 2, initialBackoffMs: 100, maxBackoffMs: 5_000 });
    expect(compiled.consumerConfig).toEqual({
      maxWaitTimeInMs: 1_000,
      sessionTimeout: 30_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 15_000,
    });
  });

  it('refuses bad options naming the option', () => {
    expect(refusal({ name: ' ' })).toContain('name must be a non-empty string');
    expect(refusal({ topics: [] })).toContain('topics must be a non-empty array');
    expect(refusal({ handlers: {} })).toContain('handlers must map at least one message type');
    expect(refusal({ retry: { attempts: 0 } })).toContain('retry.attempts must be an integer >= 1, got 0');
    expect(refusal({ retry: { initialBackoffMs: -1 } })).toContain('retry.initialBackoffMs');
    expect(refusal({ retry: { initialBackoffMs: 500, maxBackoffMs: 100 } })).toContain('retry.maxBackoffMs');
    expect(refusal({ partitionsConsumedConcurrently: 0 })).toContain('partitionsConsumedConcurrently');
  });

  it('never finds a handler for a type named like an Object.prototype member', () => {
    expect(compileConsumerOptions(base).handlers.get('constructor')).toBeUndefined();
  });
});
