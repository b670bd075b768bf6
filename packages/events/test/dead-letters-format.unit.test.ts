import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  describeError,
  isDeadLetterTopic,
  originalTopicOf,
  parsePosition,
  readDeadLetter,
  toDeadLetterMessage,
  toRedrivenMessage,
} from '../src/dead-letters/dead-letter-format.ts';
import { ConveyorError, readHeaders } from '../src/index.ts';

const original: KafkaMessage = {
  key: Buffer.from('order-1'),
  value: Buffer.from([0, 0, 0, 0, 7, 1, 2]),
  offset: '41',
  timestamp: '0',
  attributes: 0,
  headers: { 'message-id': Buffer.from('m-1'), 'message-type': Buffer.from('order.placed') },
};
const failedAt = new Date('2026-01-02T03:04:05.000Z');

describe('dead-letter format', () => {
  it('keeps the original key, value and headers and adds where it failed and why', () => {
    const { topic, message } = toDeadLetterMessage({
      topic: 'orders.events',
      partition: 2,
      message: original,
      consumer: 'orders-projection',
      attempts: 5,
      error: new ConveyorError('ORDERS_BROKEN', 500, 'broken order'),
      failedAt,
    });
    expect(topic).toBe('orders.events.dlq');
    expect(message.key).toBe(original.key);
    expect(message.value).toBe(original.value);
    expect(readHeaders(message.headers)).toEqual({
      'message-id': 'm-1',
      'message-type': 'order.placed',
      'dlq-original-topic': 'orders.events',
      'dlq-original-partition': '2',
      'dlq-original-offset': '41',
      'dlq-consumer': 'orders-projection',
      'dlq-attempts': '5',
      'dlq-error': 'broken order',
      'dlq-error-code': 'ORDERS_BROKEN',
      'dlq-failed-at': '2026-01-02T03:04:05.000Z',
    });
  });

  it('records a code for any failure and cuts long messages', () => {
    expect(describeError(new Error('plain'))).toEqual({ message: 'plain', code: 'CONVEYOR_HANDLER_FAILED' });
    expect(describeError(Object.assign(new Error('dup'), { code: '23505' })).code).toBe('23505');
    expect(describeError('a string').message).toBe('a string');
    expect(describeError(new Error('x'.repeat(5_000))).message).toHaveLength(1_000);
  });

  it('a dead letter that failed again carries only the latest failure', () => {
    const first = toDeadLetterMessage({
      topic: 't',
      partition: 0,
      message: original,
      consumer: 'c',
      attempts: 1,
      error: 'a',
      failedAt,
    });
    const again = toDeadLetterMessage({
      topic: 't',
      partition: 0,
      message: { ...original, headers: first.message.headers ?? {} },
      consumer: 'c',
      attempts: 3,
      error: 'b',
      failedAt,
    });
    expect(readHeaders(again.message.headers)).toMatchObject({ 'dlq-attempts': '3', 'dlq-error': 'b' });
  });

  it('reads a dead letter and turns it back into its original message', () => {
    const { message } = toDeadLetterMessage({
      topic: 'orders.events',
      partition: 2,
      message: original,
      consumer: 'c',
      attempts: 5,
      error: new Error('boom'),
      failedAt,
    });
    const stored = { ...original, offset: '7', headers: message.headers } as KafkaMessage;
    expect(readDeadLetter('orders.events.dlq', 1, stored)).toMatchObject({
      partition: 1,
      offset: '7',
      key: 'order-1',
      messageId: 'm-1',
      messageType: 'order.placed',
      originalTopic: 'orders.events',
      originalPartition: 2,
      originalOffset: '41',
      attempts: 5,
      error: 'boom',
      errorCode: 'CONVEYOR_HANDLER_FAILED',
    });
    const redriven = toRedrivenMessage('orders.events.dlq', 1, stored);
    expect(redriven.topic).toBe('orders.events');
    expect(redriven.message).toEqual({
      key: original.key,
      value: original.value,
      headers: { ...original.headers, 'redriven-from': 'orders.events:2:41' },
      partition: 2,
    });
    expect(parsePosition('orders.events:2:41')).toEqual({
      topic: 'orders.events',
      partition: 2,
      offset: '41',
    });
    expect(parsePosition('orders.events:2')).toBeUndefined();
    expect(parsePosition(undefined)).toBeUndefined();
  });

  it('falls back to the topic name when the origin headers are missing', () => {
    const bare = { ...original, headers: {} } as KafkaMessage;
    const redriven = toRedrivenMessage('orders.events.dlq', 0, bare);
    expect(redriven.topic).toBe('orders.events');
    expect(redriven.message.partition).toBeUndefined();
    expect(redriven.message.headers).toEqual({});
    expect(isDeadLetterTopic('orders.events.dlq')).toBe(true);
    expect(isDeadLetterTopic('orders.events')).toBe(false);
    expect(isDeadLetterTopic('.dlq')).toBe(false);
    expect(originalTopicOf('a.b.dlq')).toBe('a.b');
  });
});
