import { bearer } from '@conveyor/http/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsersService } from '../src/service.ts';
import { waitFor } from './support/service-process.ts';
import { type DirectoryWorld, newCaller, newUser, startDirectoryWorld } from './support/users-world.ts';

interface Entry {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  language: string;
  updatedAt: string;
  orders: { confirmed: number; lastConfirmedAt: string | null; totals: unknown[] };
}

/** Who reads the directory: every user's email is in it, so only an admin. */
const admin = bearer('ops-1', ['user', 'admin']);

/** REST → events and outbox → relay → users.events → the users.directory projection → GET /directory. */
describe('the user directory, projected from users.events', () => {
  let world: DirectoryWorld;
  let service: UsersService;

  /** What the directory must list, by id, as the write side answered it. */
  const expected = new Map<string, Entry>();

  beforeAll(async () => {
    world = await startDirectoryWorld('users-directory');
    service = world.service;
  });
  afterAll(() => world?.close());

  const remember = (user: {
    id: string;
    email: string;
    profile: { firstName: string; lastName: string };
    preferences: { language: string };
    updatedAt: string;
  }) =>
    expected.set(user.id, {
      id: user.id,
      email: user.email,
      firstName: user.profile.firstName,
      lastName: user.profile.lastName,
      language: user.preferences.language,
      updatedAt: user.updatedAt,
      // No order is confirmed on this world's orders.events (users-directory-orders tests those).
      orders: { confirmed: 0, lastConfirmedAt: null, totals: [] },
    });
  const register = async (email: string, firstName: string, lastName: string, language = 'en') => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/users',
      payload: newUser(email, { profile: { firstName, lastName }, preferences: { language } }),
      headers: newCaller().headers,
    });
    expect(response.statusCode, response.body).toBe(201);
    remember(response.json());
    return response.json() as { id: string };
  };
  const change = async (id: string, body: object) => {
    const response = await service.app.inject({
      method: 'PATCH',
      url: `/users/${id}`,
      payload: body,
      headers: bearer(id),
    });
    expect(response.statusCode, response.body).toBe(200);
    remember(response.json());
  };
  const directory = async (query = '') => {
    const response = await service.app.inject({ url: `/directory${query}`, headers: admin });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      items: Entry[];
      page: number;
      limit: number;
      total: number;
      totalPages: number;
    };
  };
  const byName = () =>
    [...expected.values()].sort(
      (a, b) =>
        a.lastName.localeCompare(b.lastName) ||
        a.firstName.localeCompare(b.firstName) ||
        a.id.localeCompare(b.id),
    );
  /** Waits until the directory lists exactly what the write side answered. */
  const caughtUp = () =>
    waitFor(
      'the directory to catch up with the writes',
      async () => {
        const { items } = await directory(`?limit=100`);
        return JSON.stringify(items) === JSON.stringify(byName()) ? items : undefined;
      },
      20_000,
    );
  const rows = async () =>
    (await sql`SELECT * FROM user_directory ORDER BY user_id`.execute(service.deps.db)).rows;

  it('lists users registered and changed over HTTP, by name, a page at a time', async () => {
    await register('ada@example.com', 'Ada', 'Lovelace', 'en');
    const grace = await register('grace@example.com', 'Grace', 'Murray', 'fr');
    await register('alan@example.com', 'Alan', 'Turing', 'es');
    const edsger = await register('edsger@example.com', 'Edsger', 'Dijkstra');
    await register('barbara@example.com', 'Barbara', 'Liskov');
    await change(grace.id, { profile: { lastName: 'Hopper' }, preferences: { language: 'es' } });
    await change(edsger.id, { email: 'ewd@example.com' });

    await caughtUp();
    expect(byName().map((e) => e.lastName)).toEqual(['Dijkstra', 'Hopper', 'Liskov', 'Lovelace', 'Turing']);
    expect(await directory()).toMatchObject({ page: 1, limit: 20, total: 5, totalPages: 1 });

    const pages = [
      await directory('?limit=2'),
      await directory('?limit=2&page=2'),
      await directory('?limit=2&page=3'),
    ];
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.every((p) => p.total === 5 && p.totalPages === 3 && p.limit === 2)).toBe(true);
    expect(pages.flatMap((p) => p.items)).toEqual(byName());
    expect(await directory('?limit=2&page=4')).toMatchObject({ items: [], page: 4, total: 5, totalPages: 3 });
  });

  it.each([
    ['a last name prefix, in any case', '?q=LOV', ['Lovelace']],
    ['an email prefix', '?q=ewd@', ['Dijkstra']],
    ['a prefix matching email or last name', '?q=l', ['Liskov', 'Lovelace']],
    ['a changed last name (the old one is gone)', '?q=murray', []],
    ['the surrounding spaces trimmed', '?q=%20%20tur%20', ['Turing']],
    ['LIKE wildcards taken literally', '?q=%25', []],
    ['an underscore taken literally', '?q=_da', []],
  ])('searches by %s', async (_what, query, lastNames) => {
    const page = await directory(query);
    expect(page.items.map((e) => e.lastName)).toEqual(lastNames);
    expect(page.total).toBe(lastNames.length);
  });

  it('rebuilds into a new generation while the host runs: the same rows, and the route answers throughout', async () => {
    const before = await rows();
    expect(before).toHaveLength(5);
    const answers: { status: number; total: number }[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const response = await service.app.inject({ url: '/directory', headers: admin });
        answers.push({ status: response.statusCode, total: response.json().total });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      const result = await world.rebuild();
      expect(result).toMatchObject({ previousGeneration: 1, generation: 2, applied: 7, resumed: false });
    } finally {
      reading = false;
      await reader;
    }
    expect(await rows()).toEqual(before);
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.every((a) => a.status === 200 && a.total === 5)).toBe(true);

    // The live host follows the new generation: a later change still reaches the directory.
    const [host] = service.projections;
    await waitFor(
      'the host to follow generation 2',
      async () => (host?.generation === 2 ? true : undefined),
      10_000,
    );
    await change(byName()[0]?.id ?? '', { profile: { firstName: 'Edsger W.' } });
    await caughtUp();
    const schemas = await sql<{ nspname: string }>`
      SELECT nspname FROM pg_namespace WHERE nspname LIKE 'proj_users_directory_g%'`.execute(service.deps.db);
    expect(schemas.rows.map((r) => r.nspname)).toEqual(['proj_users_directory_g2']);
  });

  it('lists nobody to a caller without the admin role (403), or without a token (401)', async () => {
    const asUser = await service.app.inject({ url: '/directory', headers: newCaller().headers });
    expect(asUser.statusCode).toBe(403);
    expect(asUser.json()).toMatchObject({ code: 'CONVEYOR_FORBIDDEN', details: { requiredRole: 'admin' } });
    expect(asUser.body).not.toContain('@example.com');
    const anonymous = await service.app.inject('/directory?q=ada');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'CONVEYOR_UNAUTHORIZED' });
    expect(anonymous.body).not.toContain('@example.com');
  });

  it.each([
    ['?page=0', 'page'],
    ['?page=-1', 'page'],
    ['?page=x', 'page'],
    ['?page=1.5', 'page'],
    ['?page=2000000', 'page'],
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=ten', 'limit'],
    ['?limit=', 'limit'],
    ['?q=', 'q'],
    ['?q=%20%20%20', 'q'],
    [`?q=${'a'.repeat(101)}`, 'q'],
    ['?q=a&q=b', 'q'],
    ['?search=ada', 'search'],
  ])('answers GET /directory%s with a 400 problem naming %s', async (query, field) => {
    const response = await service.app.inject({ url: `/directory${query}`, headers: admin });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({ status: 400, code: 'CONVEYOR_INVALID_REQUEST' });
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(problem.detail).toContain(field);
  });
});
