import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaPageView, SagaStatus } from '../src/index.ts';
import { AdminWorld, MINUTE, T0 } from './support/admin-world.ts';

const idsOf = (page: SagaPageView) => page.items.map((item) => item.id);

describe('saga admin API: listing', () => {
  let world: AdminWorld;
  /** s1 oldest … s7 newest; s3, s4 and s5 share one created_at, so only the id orders them. */
  const s: Record<string, string> = {};
  let newestFirst: string[];

  beforeAll(async () => {
    world = await AdminWorld.create();
    const plan: [name: string, minutes: number, type: string, status: SagaStatus][] = [
      ['s1', 0, 'test-saga', 'completed'],
      ['s2', 1, 'test-saga', 'running'],
      ['s3', 2, 'other-saga', 'running'],
      ['s4', 2, 'test-saga', 'compensated'],
      ['s5', 2, 'test-saga', 'failed'],
      ['s6', 3, 'other-saga', 'compensating'],
      ['s7', 4, 'test-saga', 'running'],
    ];
    for (const [name, minutes, type, status] of plan) {
      const id = await world.start({ type, at: T0 + minutes * MINUTE, correlationId: `corr-${name}` });
      await world.drive(id, status);
      s[name] = id;
    }
    world.now = T0 + 10 * MINUTE;
    const tied = [s.s3, s.s4, s.s5].map(String).sort().reverse();
    newestFirst = [s.s7, s.s6, ...tied, s.s2, s.s1].map(String);
  });
  afterAll(() => world?.close());

  const list = async (query: string): Promise<SagaPageView> => {
    const response = await world.get(`/admin/sagas${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<SagaPageView>();
  };

  it('pages newest first with an opaque cursor, showing every saga exactly once', async () => {
    const pages: SagaPageView[] = [];
    let cursor: string | null = null;
    do {
      const page: SagaPageView = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);

    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap(idsOf)).toEqual(newestFirst);
    expect(new Set(pages.flatMap(idsOf)).size).toBe(7);
    expect(pages[0]?.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('ends without a cursor when the last page is exactly full, and uses 50 when no limit is given', async () => {
    const full = await list('?limit=7');
    expect(idsOf(full)).toEqual(newestFirst);
    expect(full.nextCursor).toBeNull();
    expect(idsOf(await list(''))).toEqual(newestFirst);
  });

  it('shows each saga as a summary with its current step, correlation id, timestamps and age', async () => {
    const { items } = await list('?status=failed');
    expect(items).toEqual([
      {
        id: s.s5,
        type: 'test-saga',
        status: 'failed',
        currentStep: 'alpha',
        correlationId: 'corr-s5',
        // The cause of the compensation; the compensation's own trouble is in the step's error.
        failureReason: expect.stringMatching(/^beta: /),
        createdAt: new Date(T0 + 2 * MINUTE).toISOString(),
        updatedAt: expect.any(String),
        ageMs: 8 * MINUTE,
      },
    ]);
  });

  it.each<[SagaStatus, string[]]>([
    ['running', ['s7', 's3', 's2']],
    ['compensating', ['s6']],
    ['completed', ['s1']],
    ['compensated', ['s4']],
    ['failed', ['s5']],
  ])('filters by status %s', async (status, expected) => {
    expect(idsOf(await list(`?status=${status}`))).toEqual(expected.map((name) => s[name]));
  });

  it('filters by type, and an unknown type lists nothing', async () => {
    expect(idsOf(await list('?type=other-saga'))).toEqual([s.s6, s.s3]);
    expect(idsOf(await list('?type=no-such-saga'))).toEqual([]);
  });

  it('filters by age (now - created_at), bounds included, alone or combined with status', async () => {
    const inOrder = (names: string[]) => newestFirst.filter((id) => names.some((name) => s[name] === id));
    expect(idsOf(await list(`?minAgeMs=${8 * MINUTE}`))).toEqual(inOrder(['s1', 's2', 's3', 's4', 's5']));
    expect(idsOf(await list(`?maxAgeMs=${8 * MINUTE}`))).toEqual(inOrder(['s3', 's4', 's5', 's6', 's7']));
    expect(idsOf(await list(`?minAgeMs=${8 * MINUTE}&maxAgeMs=${9 * MINUTE}`))).toEqual(
      inOrder(['s2', 's3', 's4', 's5']),
    );
    expect(idsOf(await list(`?status=running&maxAgeMs=${8 * MINUTE}`))).toEqual([s.s7, s.s3]);
  });

  it('pages a filtered list with the same cursor mechanics', async () => {
    const first = await list('?status=running&limit=2');
    expect(idsOf(first)).toEqual([s.s7, s.s3]);
    const second = await list(`?status=running&limit=2&cursor=${first.nextCursor}`);
    expect(idsOf(second)).toEqual([s.s2]);
    expect(second.nextCursor).toBeNull();
  });
});
