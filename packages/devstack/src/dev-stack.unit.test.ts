import { describe, expect, it } from 'vitest';
import { DevStack } from './dev-stack.ts';
import { parseReplicas, ReplicasError, replicasOf } from './replicas.ts';

const infra = {
  kafkaBrokers: ['127.0.0.1:19092'],
  schemaRegistryUrl: 'http://127.0.0.1:18081',
  databaseUrl: 'postgres://127.0.0.1:5432/postgres',
};
const stack = (replicas?: number) =>
  new DevStack({ rootDir: '/', infra, logDir: '/tmp', ...(replicas === undefined ? {} : { replicas }) });

describe('replica count', () => {
  it('takes --replicas over CONVEYOR_REPLICAS, and defaults to one', () => {
    expect(replicasOf('2', { CONVEYOR_REPLICAS: '3' })).toBe(2);
    expect(replicasOf(undefined, { CONVEYOR_REPLICAS: '3' })).toBe(3);
    expect(replicasOf(undefined, { CONVEYOR_REPLICAS: '' })).toBe(1);
    expect(replicasOf(undefined, {})).toBe(1);
  });

  it.each(['0', '-1', '1.5', 'two', '', '10', '2x'])('refuses %j naming where it came from', (raw) => {
    expect(() => replicasOf(raw, {})).toThrow(new ReplicasError('--replicas', raw));
    expect(() => replicasOf(raw, {})).toThrow(/--replicas must be an integer from 1 to 9/);
    if (raw !== '')
      expect(() => replicasOf(undefined, { CONVEYOR_REPLICAS: raw })).toThrow(
        /CONVEYOR_REPLICAS must be an integer from 1 to 9; got "/,
      );
  });

  it('parses surrounding blanks away', () => {
    expect(parseReplicas(' 2 ', 'x')).toBe(2);
  });

  it('is checked by the stack too', () => {
    expect(() => stack(0)).toThrow(/DevStackOptions.replicas must be an integer from 1 to 9; got 0/);
    expect(() => stack(2.5)).toThrow(ReplicasError);
  });
});

describe('DevStack ports', () => {
  it('keeps the default ports with one replica', () => {
    const one = stack();
    expect(one.replicas).toBe(1);
    expect(one.url('gateway')).toBe('http://127.0.0.1:3000');
    expect(one.urls('users')).toEqual(['http://127.0.0.1:3001']);
    expect(() => one.url('users', 1)).toThrow('users has no replica 1 (this stack runs 1)');
  });

  it('puts each replica of a service 10 ports above the previous one, and the gateway alone', () => {
    const two = stack(2);
    expect(two.urls('users')).toEqual(['http://127.0.0.1:3001', 'http://127.0.0.1:3011']);
    expect(two.url('payments', 1)).toBe('http://127.0.0.1:3014');
    expect(two.urls('gateway')).toEqual(['http://127.0.0.1:3000']);
  });

  it('knows no processes before it starts', () => {
    expect(stack(2).replicasOf('orders')).toEqual([]);
    expect(() => stack(2).process('orders', 1)).toThrow('orders is not part of this stack');
  });
});
