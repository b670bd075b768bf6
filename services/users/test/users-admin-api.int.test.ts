import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersWorld, newCaller, newUser, type UsersWorld, uniqueEmail } from './support/users-world.ts';

/** The admin API every service has through its bootstrap (@conveyor/service), seen on users. */
describe("a service's admin API: messages, projections, dead letters", () => {
  let world: UsersWorld;
  const admin = newCaller(['admin']);
  beforeAll(async () => {
    world = await createUsersWorld();
  });
  afterAll(() => world?.close());

  const get = (url: string, headers = admin.headers) => world.app.inject({ method: 'GET', url, headers });

  it('answers 401 without a token and 403 to a user, on every admin route', async () => {
    const user = newCaller();
    for (const url of [`/admin/messages?ids=${randomUUID()}`, '/admin/projections', '/admin/dead-letters']) {
      expect((await world.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
      expect((await get(url, user.headers)).statusCode, url).toBe(403);
    }
    const rebuild = await world.app.inject({
      method: 'POST',
      url: '/admin/projections/users.directory/rebuild',
      headers: user.headers,
    });
    expect(rebuild.statusCode).toBe(403);
  });

  it('finds the outbox rows of a message by its id and by its cause, without their payloads', async () => {
    const caller = newCaller();
    const created = await world.app.inject({
      method: 'POST',
      url: '/users',
      payload: newUser(uniqueEmail('lookup')),
      headers: caller.headers,
    });
    expect(created.statusCode).toBe(201);
    const row = await world.deps.db
      .selectFrom('outbox')
      .select(['message_id', 'topic'])
      .where('key', '=', caller.id)
      .executeTakeFirstOrThrow();

    const found = await get(`/admin/messages?ids=${row.message_id},${randomUUID()}`);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({
      service: 'users',
      inbox: [],
      outbox: [
        {
          messageId: row.message_id,
          topic: row.topic,
          key: caller.id,
          type: 'user.created',
          causationId: null,
          traceId: null,
          createdAt: expect.any(String),
          publishedAt: null,
        },
      ],
    });
    expect(found.body).not.toContain('Lovelace');
  });

  it('refuses ids that are not uuids with a 400 naming the field', async () => {
    for (const ids of ['not-a-uuid', `${randomUUID()},x`, '']) {
      const refused = await get(`/admin/messages?ids=${ids}`);
      expect(refused.statusCode, ids).toBe(400);
      expect(refused.body, ids).toContain('ids');
    }
  });

  it("lists the service's projections with their lag per partition, and refuses an unknown one", async () => {
    const status = await get('/admin/projections');
    expect(status.statusCode).toBe(200);
    const [directory] = status.json().projections;
    expect(directory).toMatchObject({
      name: 'users.directory',
      topics: [`${world.namespace}.users.events`, `${world.namespace}.orders.events`],
      rebuild: null,
    });
    // Three partitions on each of its two topics.
    expect(directory.partitions).toHaveLength(6);
    const unknown = await world.app.inject({
      method: 'POST',
      url: '/admin/projections/orders.order-details/rebuild',
      headers: admin.headers,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'SERVICE_UNKNOWN_PROJECTION' });
    expect(unknown.json().detail).toContain('users.directory');
  });

  it("lists the dead-letter topics of its own topics, and refuses another service's", async () => {
    const topics = await get('/admin/dead-letters');
    expect(topics.statusCode).toBe(200);
    expect(topics.json().topics).toContainEqual({ topic: `${world.namespace}.users.events.dlq`, count: 0 });
    const foreign = await get(`/admin/dead-letters/${world.namespace}.payments.events.dlq`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'SERVICE_UNKNOWN_DEAD_LETTER_TOPIC' });
    const empty = await get(`/admin/dead-letters/${world.namespace}.users.events.dlq`);
    expect(empty.json()).toEqual({ topic: `${world.namespace}.users.events.dlq`, deadLetters: [] });
  });

  it('re-drives one dead letter to its original topic, and refuses a bad or unknown position', async () => {
    const dlq = `${world.namespace}.users.events.dlq`;
    const messageId = randomUUID();
    const producer = world.deps.kafka.producer({ idempotent: true });
    await producer.connect();
    const [written] = await producer
      .send({
        topic: dlq,
        acks: -1,
        messages: [
          {
            key: 'user-1',
            value: 'not avro: a re-drive copies bytes',
            headers: { 'message-id': messageId, 'dlq-original-topic': `${world.namespace}.users.events` },
          },
        ],
      })
      .finally(() => producer.disconnect());
    const position = `${written?.partition}/${written?.baseOffset}`;
    const redrive = (path: string) =>
      world.app.inject({
        method: 'POST',
        url: `/admin/dead-letters/${dlq}/${path}/redrive`,
        headers: admin.headers,
      });

    const asUser = await world.app.inject({
      method: 'POST',
      url: `/admin/dead-letters/${dlq}/${position}/redrive`,
      headers: newCaller().headers,
    });
    expect(asUser.statusCode).toBe(403);

    const sent = await redrive(position);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toEqual({
      topic: dlq,
      partition: written?.partition,
      offset: written?.baseOffset,
      originalTopic: `${world.namespace}.users.events`,
      messageId,
    });
    for (const { path, field } of [
      { path: `-1/${written?.baseOffset}`, field: 'partition' },
      { path: `x/${written?.baseOffset}`, field: 'partition' },
      { path: `${written?.partition}/1e3`, field: 'offset' },
    ]) {
      const refused = await redrive(path);
      expect(refused.statusCode, path).toBe(400);
      expect(refused.body, path).toContain(field);
    }
    const unknown = await redrive(`${written?.partition}/999999`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'CONVEYOR_DEAD_LETTER_NOT_FOUND' });
  });
});
