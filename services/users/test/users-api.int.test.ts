import { bearer } from '@conveyor/http/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersWorld, newCaller, newUser, type UsersWorld, uniqueEmail } from './support/users-world.ts';

describe('users API on a real database', () => {
  let world: UsersWorld;
  beforeAll(async () => {
    world = await createUsersWorld();
  });
  afterAll(() => world?.close());

  // Each registration by a new caller; reads and changes by the record's owner (its id is their sub).
  const create = (body: unknown, headers: Record<string, string> = {}) =>
    world.app.inject({
      method: 'POST',
      url: '/users',
      payload: body as object,
      headers: { ...newCaller().headers, ...headers },
    });
  const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    world.app.inject({
      method: 'PATCH',
      url: `/users/${id}`,
      payload: body as object,
      headers: { ...bearer(id), ...headers },
    });
  const get = (id: string) => world.app.inject({ method: 'GET', url: `/users/${id}`, headers: bearer(id) });
  const outboxOf = (userId: string) =>
    world.deps.db
      .selectFrom('outbox')
      .select(['topic', 'key', 'message_type', 'headers', 'payload'])
      .where('key', '=', userId)
      .orderBy('id')
      .execute();

  it("creates the caller's user, whose id is the token's sub (201, Location, ETag), and gets it back", async () => {
    const email = uniqueEmail('ada');
    const caller = newCaller();
    const created = await create(newUser(email, { preferences: { language: 'es' } }), caller.headers);
    expect(created.statusCode).toBe(201);
    const user = created.json();
    expect(user).toEqual({
      id: caller.id,
      email,
      profile: { firstName: 'Ada', lastName: 'Lovelace' },
      preferences: { language: 'es' },
      version: 1,
      createdAt: expect.any(String),
      updatedAt: user.createdAt,
    });
    expect(Date.parse(user.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(created.headers.location).toBe(`/users/${user.id}`);
    expect(created.headers.etag).toBe('"1"');

    const fetched = await get(user.id);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(user);
    expect(fetched.headers.etag).toBe('"1"');
  });

  it('updates a user to version 2 and puts user.created then user.updated (changes only) in the outbox', async () => {
    const email = uniqueEmail('grace');
    const user = (await create(newUser(email), { 'x-correlation-id': 'corr-create' })).json();
    const updated = await patch(
      user.id,
      { profile: { lastName: 'Hopper' }, preferences: { language: 'fr' } },
      { 'x-correlation-id': 'corr-update' },
    );
    expect(updated.statusCode).toBe(200);
    expect(updated.headers.etag).toBe('"2"');
    expect(updated.json()).toMatchObject({
      id: user.id,
      email,
      profile: { firstName: 'Ada', lastName: 'Hopper' },
      preferences: { language: 'fr' },
      version: 2,
      createdAt: user.createdAt,
    });
    expect((await get(user.id)).json()).toEqual(updated.json());

    const outbox = await outboxOf(user.id);
    expect(outbox.map((m) => m.message_type)).toEqual(['user.created', 'user.updated']);
    expect(outbox.every((m) => m.topic === `${world.namespace}.users.events`)).toBe(true);
    expect(outbox[0]?.payload).toEqual({
      userId: user.id,
      email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      language: 'en',
      createdAt: user.createdAt,
    });
    expect(outbox[1]?.payload).toEqual({
      userId: user.id,
      changes: { email: null, firstName: null, lastName: 'Hopper', language: 'fr' },
      updatedAt: updated.json().updatedAt,
    });
    expect(outbox[0]?.headers).toMatchObject({
      'message-type': 'user.created',
      'correlation-id': 'corr-create',
    });
    expect(outbox[1]?.headers).toMatchObject({
      'message-type': 'user.updated',
      'correlation-id': 'corr-update',
    });

    const events = await world.deps.store.readStream(`user-${user.id}`);
    expect(events.map((e) => [e.type, e.version, e.metadata])).toEqual([
      ['UserRegistered', 1, { correlationId: 'corr-create' }],
      ['UserUpdated', 2, { correlationId: 'corr-update' }],
    ]);
  });

  it('answers 200 with the user unchanged, appending nothing, when an update changes nothing', async () => {
    const email = uniqueEmail('same');
    const user = (await create(newUser(email))).json();
    const before = await world.counts();
    const same = await patch(user.id, {
      email: `  ${email.toUpperCase()} `,
      profile: { firstName: 'Ada' },
      preferences: { language: 'en' },
    });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toEqual(user);
    expect(await world.counts()).toEqual(before);
  });

  it('normalises the email and refuses the same address in another case with 409 naming it, writing nothing', async () => {
    const local = uniqueEmail('Ada').split('@')[0];
    const created = await create(newUser(` ${local?.toUpperCase()}@Example.COM `));
    expect(created.statusCode).toBe(201);
    const email = `${local}@example.com`;
    expect(created.json().email).toBe(email);

    const before = await world.counts();
    const duplicate = await create(
      newUser(`${local}@EXAMPLE.com`, { profile: { firstName: 'A', lastName: 'B' } }),
    );
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.headers['content-type']).toContain('application/problem+json');
    expect(duplicate.json()).toMatchObject({
      status: 409,
      code: 'USERS_EMAIL_TAKEN',
      detail: expect.stringContaining(email),
      errors: [{ field: 'email', message: expect.stringContaining(email) }],
      details: { email },
    });
    expect(await world.counts()).toEqual(before);
  });

  it('refuses to change an email to one another user has (409), writing nothing', async () => {
    const taken = uniqueEmail('taken');
    await create(newUser(taken));
    const other = (await create(newUser(uniqueEmail('other')))).json();
    const before = await world.counts();
    const response = await patch(other.id, { email: taken.toUpperCase(), profile: { firstName: 'Changed' } });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'USERS_EMAIL_TAKEN', details: { email: taken } });
    expect(await world.counts()).toEqual(before);
    expect((await get(other.id)).json()).toEqual(other);
  });

  it('lets exactly one of concurrent registrations of one address through (the unique index decides)', async () => {
    const email = uniqueEmail('race');
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => create(newUser(i % 2 ? email.toUpperCase() : email))),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const rows = await world.deps.db.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(rows).toHaveLength(1);
  });

  it('honours If-Match: the current version (plain or quoted) passes, a stale one is 409 and writes nothing', async () => {
    const user = (await create(newUser(uniqueEmail('etag')))).json();
    const v2 = await patch(user.id, { profile: { firstName: 'Augusta' } }, { 'if-match': '1' });
    expect(v2.statusCode).toBe(200);
    const v3 = await patch(
      user.id,
      { profile: { lastName: 'King' } },
      { 'if-match': v2.headers.etag as string },
    );
    expect(v3.json().version).toBe(3);

    const before = await world.counts();
    const stale = await patch(user.id, { profile: { firstName: 'Stale' } }, { 'if-match': '2' });
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.json()).toMatchObject({
      status: 409,
      code: 'CONVEYOR_CONCURRENCY_CONFLICT',
      details: { streamId: `user-${user.id}`, expectedVersion: 2, actualVersion: 3 },
    });
    // A stale precondition fails even when the update would change nothing.
    const staleNoop = await patch(user.id, { profile: { lastName: 'King' } }, { 'if-match': '1' });
    expect(staleNoop.statusCode).toBe(409);
    expect(await world.counts()).toEqual(before);
    expect((await get(user.id)).json().profile.firstName).toBe('Augusta');
  });

  it('applies concurrent updates without If-Match one after the other', async () => {
    const user = (await create(newUser(uniqueEmail('busy')))).json();
    const responses = await Promise.all([
      patch(user.id, { profile: { firstName: 'One' } }),
      patch(user.id, { profile: { lastName: 'Two' } }),
      patch(user.id, { preferences: { language: 'es' } }),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const final = (await get(user.id)).json();
    expect(final).toMatchObject({
      version: 4,
      profile: { firstName: 'One', lastName: 'Two' },
      preferences: { language: 'es' },
    });
  });

  it('answers an unknown user with a 404 problem on GET and PATCH', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const before = await world.counts();
    for (const response of [await get(id), await patch(id, { profile: { firstName: 'X' } })]) {
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toEqual({
        type: 'urn:conveyor:problem:users-not-found',
        title: 'Not Found',
        status: 404,
        detail: `user ${id} does not exist`,
        code: 'USERS_NOT_FOUND',
        instance: `/users/${id}`,
        details: { userId: id },
      });
    }
    expect(await world.counts()).toEqual(before);
  });

  it('serves /health, /ready (database and Kafka), /metrics and the OpenAPI document', async () => {
    expect((await world.app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await world.app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' } });
    const metrics = await world.app.inject('/metrics');
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    const openapi = (await world.app.inject('/docs/json')).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/users', '/users/{id}']));
    expect(Object.keys(openapi.paths['/users/{id}'])).toEqual(expect.arrayContaining(['get', 'patch']));
  });
});
