import { bearer } from '@conveyor/http/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminWorld, expectProblem } from './support/admin-world.ts';

describe('saga admin API: access', () => {
  let world: AdminWorld;
  let id: string;
  beforeAll(async () => {
    world = await AdminWorld.create();
    world.now = Date.now();
    id = await world.start();
  });
  afterAll(() => world?.close());

  const routes: [string, string, unknown][] = [
    ['GET', '/admin/sagas', undefined],
    ['GET', '/admin/sagas/ID', undefined],
    ['POST', '/admin/sagas/ID/retry', { force: true }],
    ['POST', '/admin/sagas/ID/abort', { reason: 'stranger' }],
    ['POST', '/admin/sagas/ID/compensations/replay', undefined],
  ];

  it.each(routes)(
    'answers %s %s with 401 without a token and 403 to a user, writing nothing',
    async (method, path, payload) => {
      const url = path.replace('ID', id);
      const before = await world.writes();
      const send = (headers: Record<string, string>) =>
        method === 'GET' ? world.get(url, headers) : world.post(url, payload, headers);

      expectProblem(await send({}), 401, 'CONVEYOR_UNAUTHORIZED');
      expectProblem(await send(bearer('customer-1', ['user'])), 403, 'CONVEYOR_FORBIDDEN');
      expect(await world.writes()).toEqual(before);
      expect(await world.status(id)).toBe('running');
    },
  );
});
