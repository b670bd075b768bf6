import { deadLetterTopic, listDeadLetters } from '@conveyor/events';
import { bearer } from '@conveyor/http/testing';
import { DEFAULT_PARTITIONS } from '@conveyor/schemas';
import type { Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_DIRECTORY_PROJECTION } from '../src/projections/user-directory.projection.ts';
import type { UsersService } from '../src/service.ts';
import { waitFor } from './support/service-process.ts';
import { type DirectoryWorld, newCaller, newUser, startDirectoryWorld } from './support/users-world.ts';

const admin = bearer('ops-1', ['user', 'admin']);

/**
 * Poison on users.events, produced straight to the topic (no users service writes such a thing):
 * in every partition, bytes that are no Avro at all, then a well-formed user.created the directory
 * cannot apply (its user id is no UUID, so Postgres refuses the row).
 */
describe('the user directory with poison messages on users.events', () => {
  let world: DirectoryWorld;
  let service: UsersService;

  beforeAll(async () => {
    world = await startDirectoryWorld('users-poison');
    service = world.service;
  });
  afterAll(() => world?.close());

  async function producePoison(): Promise<void> {
    const { kafka, codec, topics } = service.deps;
    const messages: Message[] = [];
    for (let partition = 0; partition < DEFAULT_PARTITIONS; partition++) {
      messages.push({
        partition,
        key: `poison-${partition}`,
        value: Buffer.from('{"userId":"not avro"}'),
        headers: { 'message-id': `garbage-${partition}`, 'message-type': 'user.created' },
      });
      messages.push({
        partition,
        key: `poison-${partition}`,
        value: await codec.encode(topics.usersEvents, 'user.created', {
          userId: `user-${partition}`,
          email: `nobody-${partition}@example.com`,
          firstName: 'No',
          lastName: 'Body',
          language: 'en',
          createdAt: new Date().toISOString(),
        }),
        headers: { 'message-id': `not-a-uuid-${partition}`, 'message-type': 'user.created' },
      });
    }
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      await producer.send({ topic: topics.usersEvents, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }
  }

  const register = async (email: string, lastName: string) => {
    const caller = newCaller();
    const response = await service.app.inject({
      method: 'POST',
      url: '/users',
      payload: newUser(email, { profile: { firstName: 'Ada', lastName } }),
      headers: caller.headers,
    });
    expect(response.statusCode, response.body).toBe(201);
    return caller;
  };
  const lastNames = async () => {
    const response = await service.app.inject({ url: '/directory?limit=100', headers: admin });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: { lastName: string }[] }).items.map((e) => e.lastName);
  };

  it('dead-letters them, counts them, and keeps listing the users registered and changed afterwards', async () => {
    const first = await register('first@example.com', 'Before');
    await waitFor(
      'the first user',
      async () => ((await lastNames()).includes('Before') ? true : undefined),
      20_000,
    );

    await producePoison();
    // Users registered after the poison: their events sit behind it in every partition.
    for (const [i, name] of ['Lovelace', 'Hopper', 'Liskov', 'Turing'].entries()) {
      await register(`after-${i}@example.com`, name);
    }
    const changed = await service.app.inject({
      method: 'PATCH',
      url: `/users/${first.id}`,
      payload: { profile: { lastName: 'Changed' } },
      headers: first.headers,
    });
    expect(changed.statusCode, changed.body).toBe(200);

    const listed = await waitFor(
      'the directory to list the later users and the change',
      async () => {
        const names = await lastNames();
        return names.length === 5 && names.includes('Changed') ? names : undefined;
      },
      30_000,
    );
    expect(listed).toEqual(['Changed', 'Hopper', 'Liskov', 'Lovelace', 'Turing']);

    // In users.events.dlq, as `npm run dlq -- list --topic <namespace>.users.events.dlq` shows them.
    const dlq = deadLetterTopic(service.deps.topics.usersEvents);
    const letters = (
      await listDeadLetters({ kafka: service.deps.kafka, topic: dlq, timeoutMs: 20_000 })
    ).filter((l) => l.consumer === USER_DIRECTORY_PROJECTION);
    const byId = (prefix: string) =>
      letters
        .filter((l) => l.messageId?.startsWith(prefix))
        .map((l) => [l.messageId, l.originalPartition, l.attempts, l.errorCode])
        .sort();
    const partitions = Array.from({ length: DEFAULT_PARTITIONS }, (_, p) => p);
    expect(byId('garbage-')).toEqual(partitions.map((p) => [`garbage-${p}`, p, 1, 'CONVEYOR_DECODE_FAILED']));
    // 22P02: Postgres' invalid_text_representation, after the default 5 attempts.
    expect(byId('not-a-uuid-')).toEqual(partitions.map((p) => [`not-a-uuid-${p}`, p, 5, '22P02']));
    expect(letters).toHaveLength(2 * DEFAULT_PARTITIONS);

    const metrics = (await service.app.inject('/metrics')).body;
    const counted = (code: string) =>
      metrics
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('dead_letters_total{') &&
            line.includes(`consumer="${USER_DIRECTORY_PROJECTION}"`) &&
            line.includes(`code="${code}"`),
        )
        .map((line) => Number(line.split(' ').at(-1)));
    expect(counted('CONVEYOR_DECODE_FAILED')).toEqual([DEFAULT_PARTITIONS]);
    expect(counted('22P02')).toEqual([DEFAULT_PARTITIONS]);
  });
});
