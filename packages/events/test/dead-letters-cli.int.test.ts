import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { toDeadLetterMessage } from '../src/dead-letters/dead-letter-format.ts';
import { deadLetterTopic, listDeadLetters, redriveDeadLetters } from '../src/index.ts';
import { type ItemAdded, itemMessage, produce, readTopic, runDlqCli } from './support/consumer-kit.ts';
import { eventually } from './support/processes.ts';
import { createEventsWorld, type EventsWorld } from './support/world.ts';

const noStackTrace = /^\s+at /m;

describe('dead-letter CLI', () => {
  const stoppers: Array<() => Promise<unknown>> = [];
  const worlds: EventsWorld[] = [];
  afterEach(async () => {
    await Promise.all(stoppers.splice(0).map((stop) => stop().catch(() => undefined)));
    await Promise.all(worlds.splice(0).map((world) => world.close()));
  });

  it('refuses bad input with exit code 2 and a message naming the command, flag or variable', async () => {
    const brokers = { KAFKA_BROKERS: inject('infra').kafkaBrokers.join(',') };
    const [unknown, missingTopic, notDlq, badTimeout, badBrokers, noValue] = await Promise.all([
      runDlqCli(['purge', '--topic', 'orders.events.dlq'], brokers),
      runDlqCli(['redrive'], brokers),
      runDlqCli(['list', '--topic', 'orders.events'], brokers),
      runDlqCli(['redrive', '--topic', 'orders.events.dlq', '--timeout-ms', 'soon'], brokers),
      runDlqCli(['list', '--topic', 'orders.events.dlq'], { KAFKA_BROKERS: 'not a broker' }),
      runDlqCli(['list', '--topic'], brokers),
    ]);
    for (const outcome of [unknown, missingTopic, notDlq, badTimeout, badBrokers, noValue]) {
      expect(outcome.code, outcome.stderr).toBe(2);
      expect(outcome.stderr).not.toMatch(noStackTrace);
      expect(outcome.stdout).toBe('');
    }
    expect(unknown.stderr).toContain('unknown command "purge" (expected list or redrive)');
    expect(missingTopic.stderr).toContain('--topic is required');
    expect(notDlq.stderr).toContain(
      '--topic must name a dead-letter topic ending in .dlq, got "orders.events"',
    );
    expect(badTimeout.stderr).toContain('--timeout-ms must be a positive integer, got "soon"');
    expect(badBrokers.stderr).toContain('KAFKA_BROKERS must be comma-separated host:port pairs');
    expect(noValue.stderr).toContain('--topic needs a value');
    expect(missingTopic.stderr).toContain('usage: npm run dlq');
  });

  it('lists dead letters and re-drives each one once to its original topic with its original headers', async () => {
    const world = await createEventsWorld();
    worlds.push(world);
    const dlq = deadLetterTopic(world.topic);
    const env = { KAFKA_BROKERS: world.infra.kafkaBrokers.join(',') };

    // Dead letters as a consumer writes them: original record (read from the topic) plus dlq-* headers.
    const item = (aggregateId: string, version: number): ItemAdded => ({
      aggregateId,
      version,
      note: 'n',
      poison: false,
    });
    const originals = await Promise.all(
      [item('agg-a', 1), item('agg-b', 1), item('agg-a', 2), item('agg-c', 1)].map((i) =>
        itemMessage(world, i, `dead-${randomUUID()}`, {
          traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
        }),
      ),
    );
    await produce(world.kafka, world.topic, originals);
    const reader = await readTopic(world.kafka, world.topic);
    stoppers.push(() => reader.stop());
    await eventually('the originals', () => (reader.received.length === originals.length ? true : undefined));
    const deadLetters = reader.received.map(
      (r, i) =>
        toDeadLetterMessage({
          topic: world.topic,
          partition: r.partition,
          message: r.message,
          consumer: 'orders-projection',
          attempts: 5,
          error: new Error(`boom ${i}`),
          failedAt: new Date(),
        }).message,
    );
    await produce(world.kafka, dlq, deadLetters.slice(0, 3));
    const originalIds = reader.received.map((r) => r.messageId as string);

    const list = await runDlqCli(['list', '--topic', dlq], env);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    for (const id of originalIds.slice(0, 3)) expect(list.stdout).toContain(id);
    expect(list.stdout).toMatch(
      /partition\s+offset\s+key\s+message-type\s+message-id\s+original-topic\s+status/,
    );
    expect(list.stdout).toContain('[CONVEYOR_HANDLER_FAILED] boom 0');
    expect(list.stdout).toContain(`3 dead letter(s) in ${dlq}, 3 pending`);

    const first = await redriveDeadLetters({ kafka: world.kafka, topic: dlq });
    expect(first).toMatchObject({ redriven: 3, byTopic: { [world.topic]: 3 } });
    await eventually('the re-driven copies', () => (reader.received.length === 4 + 3 ? true : undefined));
    const copies = reader.received.slice(4);
    expect(copies.map((c) => c.messageId).sort()).toEqual(originalIds.slice(0, 3).sort());
    for (const copy of copies) {
      const original = reader.received.find((r) => r.messageId === copy.messageId);
      expect(copy.headers).toEqual({
        ...original?.headers,
        'redriven-from': `${world.topic}:${original?.partition}:${original?.offset}`,
      });
      expect(copy.partition).toBe(original?.partition);
      expect(copy.key).toBe(original?.key);
    }

    // A dead letter arriving later is the next run's, and only it.
    await produce(world.kafka, dlq, deadLetters.slice(3));
    const second = await runDlqCli(['redrive', '--topic', dlq], env);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`re-drove 1 dead letter(s) from ${dlq} (${world.topic}: 1)`);
    const third = await runDlqCli(['redrive', '--topic', dlq], env);
    expect(third.stdout).toContain(`re-drove 0 dead letter(s) from ${dlq}`);

    await eventually('the last copy', () => (reader.received.length === 4 + 4 ? true : undefined));
    const listed = await listDeadLetters({ kafka: world.kafka, topic: dlq });
    expect(listed.map((l) => [l.messageId, l.redriven, l.attempts, l.consumer])).toEqual(
      expect.arrayContaining(originalIds.map((id) => [id, true, 5, 'orders-projection'])),
    );
    expect(listed).toHaveLength(4);
  });

  it('fails with exit code 1 and one line naming the topic when it does not exist', async () => {
    const missing = await runDlqCli(['redrive', '--topic', `missing-${randomUUID()}.dlq`], {
      KAFKA_BROKERS: inject('infra').kafkaBrokers.join(','),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: topic "missing-.*\.dlq" does not exist\n$/);
  });
});
