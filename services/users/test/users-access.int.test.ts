import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_JWT_SECRET, signToken } from '@conveyor/http';
import { bearer } from '@conveyor/http/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Caller,
  createUsersWorld,
  newCaller,
  newUser,
  type UsersWorld,
  uniqueEmail,
} from './support/users-world.ts';

/** A token the development verifier must refuse, signed as it would be but for one flaw. */
const flawed = (secret: string, issuedAt: number) =>
  `Bearer ${signToken({ algorithm: 'HS256', secret }, { sub: randomUUID(), roles: ['user', 'admin'] }, { issuedAt, ttlSeconds: 3600 })}`;

describe('users: a record belongs to the sub that registered it', () => {
  let world: UsersWorld;
  const admin = newCaller(['user', 'admin']);
  let alice: Caller;
  let bob: Caller;
  beforeAll(async () => {
    world = await createUsersWorld();
    alice = newCaller();
    bob = newCaller();
    for (const caller of [alice, bob]) {
      const created = await register(caller.headers, uniqueEmail('owner'));
      expect(created.statusCode, created.body).toBe(201);
    }
  });
  afterAll(() => world?.close());

  const register = (headers: Record<string, string>, email = uniqueEmail()) =>
    world.app.inject({ method: 'POST', url: '/users', payload: newUser(email), headers });
  const get = (id: string, headers: Record<string, string>) =>
    world.app.inject({ method: 'GET', url: `/users/${id}`, headers });
  const patch = (id: string, body: object, headers: Record<string, string>) =>
    world.app.inject({ method: 'PATCH', url: `/users/${id}`, payload: body, headers });
  const row = (id: string) =>
    world.deps.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

  it('refuses a second registration by the same sub with 409, writing nothing', async () => {
    const before = await world.counts();
    const again = await register(alice.headers);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'USERS_ALREADY_REGISTERED', details: { userId: alice.id } });
    expect(await world.counts()).toEqual(before);
  });

  it('lets one of concurrent registrations by one sub through; the others are 409', async () => {
    const caller = newCaller();
    const responses = await Promise.all(Array.from({ length: 6 }, () => register(caller.headers)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const refused of responses.filter((r) => r.statusCode === 409))
      expect(refused.json().code).toBe('USERS_ALREADY_REGISTERED');
    const rows = await world.deps.db.selectFrom('users').select('id').where('id', '=', caller.id).execute();
    expect(rows).toHaveLength(1);
  });

  it.each([
    ['not a UUID', 'u-1'],
    ['a UUID in upper case', randomUUID().toUpperCase()],
    ['a UUID without dashes', randomUUID().replaceAll('-', '')],
  ])('refuses to register a sub that is %s with 403 naming sub, writing nothing', async (_case, sub) => {
    const before = await world.counts();
    const response = await register(bearer(sub));
    expect(response.statusCode, response.body).toBe(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      status: 403,
      code: 'USERS_SUBJECT_NOT_UUID',
      detail: expect.stringContaining('sub'),
      details: { claim: 'sub' },
    });
    expect(await world.counts()).toEqual(before);
  });

  it("answers another user's GET and PATCH exactly like a missing record (404), writing nothing", async () => {
    const missing = randomUUID();
    const before = await world.counts();
    const bobBefore = await row(bob.id);
    const asIfMissing = async (response: { statusCode: number; body: string }, id: string) => {
      expect(response.statusCode).toBe(404);
      const forMissing = await get(missing, alice.headers);
      expect(response.body).toBe(forMissing.body.replaceAll(missing, id));
    };
    await asIfMissing(await get(bob.id, alice.headers), bob.id);
    await asIfMissing(await patch(bob.id, { email: uniqueEmail('stolen') }, alice.headers), bob.id);
    await asIfMissing(await patch(bob.id, { profile: { firstName: 'Mallory' } }, alice.headers), bob.id);
    const ifMatch = { ...alice.headers, 'if-match': '1' };
    await asIfMissing(await patch(bob.id, { preferences: { language: 'fr' } }, ifMatch), bob.id);
    expect(await world.counts()).toEqual(before);
    expect(await row(bob.id)).toEqual(bobBefore);
    // Her own record stays hers.
    expect((await get(alice.id, alice.headers)).json()).toMatchObject({ id: alice.id, version: 1 });
  });

  it("lets an admin read and change anyone's record", async () => {
    const read = await get(bob.id, admin.headers);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: bob.id });
    const changed = await patch(bob.id, { profile: { lastName: 'Reviewed' } }, admin.headers);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ id: bob.id, profile: { lastName: 'Reviewed' } });
    expect((await get(bob.id, bob.headers)).json().profile.lastName).toBe('Reviewed');
  });

  const routes = [
    ['POST', '/users', newUser('anonymous@example.com')],
    ['GET', '/users/:id', undefined],
    ['PATCH', '/users/:id', { profile: { firstName: 'Anonymous' } }],
    ['GET', '/directory', undefined],
    ['GET', '/no-such-route', undefined],
  ] as const;
  const badTokens: [string, Record<string, string>][] = [
    ['no token', {}],
    ['a malformed header', { authorization: 'Token abc' }],
    ['a token that is not a JWT', { authorization: 'Bearer not.a.jwt' }],
    ['a token signed with another secret', { authorization: flawed('x'.repeat(40), Date.now()) }],
    ['an expired token', { authorization: flawed(DEVELOPMENT_JWT_SECRET, Date.now() - 2 * 3600_000) }],
  ];
  it.each(
    routes.flatMap(([method, url, body]) =>
      badTokens.map(
        ([why, headers]) => [`${method} ${url} with ${why}`, method, url, body, headers] as const,
      ),
    ),
  )('answers %s with 401, writing nothing', async (_title, method, url, body, headers) => {
    const before = await world.counts();
    const response = await world.app.inject({
      method,
      url: url.replace(':id', alice.id),
      headers,
      ...(body === undefined ? {} : { payload: body }),
    });
    expect(response.statusCode, response.body).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="conveyor"/);
    expect(response.json()).toMatchObject({ status: 401, code: 'CONVEYOR_UNAUTHORIZED' });
    expect(response.body).not.toContain('@');
    expect(await world.counts()).toEqual(before);
  });

  it.each(['/health', '/ready', '/metrics', '/docs/json'])('serves %s without a token', async (url) => {
    expect((await world.app.inject(url)).statusCode).toBe(200);
  });
});
