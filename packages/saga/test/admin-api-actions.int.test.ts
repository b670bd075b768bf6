import { randomUUID } from 'node:crypto';
import type { ProblemDetails } from '@conveyor/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaDetailView } from '../src/index.ts';
import { ADMIN, AdminWorld, expectProblem } from './support/admin-world.ts';

describe('saga admin API: one saga and operator actions', () => {
  let world: AdminWorld;
  beforeAll(async () => {
    world = await AdminWorld.create();
    world.now = Date.now();
  });
  afterAll(() => world?.close());

  const detail = async (id: string): Promise<SagaDetailView> => {
    const response = await world.get(`/admin/sagas/${id}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<SagaDetailView>();
  };

  it('shows a saga with its data, steps, correlation id and timeline from the saga log', async () => {
    const id = await world.start({
      correlationId: 'corr-order-42',
      data: { subject: 'order-42', amount: 7 },
    });
    world.now += 1_000;
    await world.answer(id, 'success', { ref: 'A-1' });

    const saga = await detail(id);
    expect(saga).toMatchObject({
      id,
      type: 'test-saga',
      status: 'running',
      currentStep: 'beta',
      currentStepIndex: 1,
      correlationId: 'corr-order-42',
      failureReason: null,
      data: { subject: 'order-42', amount: 7, receipts: { alpha: { ref: 'A-1' } } },
      version: 2,
      definitionVersion: 1,
    });
    expect(saga.steps.map((step) => [step.name, step.status])).toEqual([
      ['alpha', 'succeeded'],
      ['beta', 'running'],
      ['gamma', 'pending'],
    ]);
    expect(Date.parse(saga.updatedAt) - Date.parse(saga.createdAt)).toBe(1_000);
    // The waiting step: sent once, sent again in 2 s if no reply comes, compensated after a minute.
    const sentAt = Date.parse(saga.updatedAt);
    expect(saga.steps[1]).toMatchObject({
      attempts: 1,
      startedAt: new Date(sentAt).toISOString(),
      lastSentAt: new Date(sentAt).toISOString(),
      nextSendAt: new Date(sentAt + 2_000).toISOString(),
      deadline: new Date(sentAt + 60_000).toISOString(),
    });
    expect(saga.steps[2]).toMatchObject({ attempts: 0, lastSentAt: null, nextSendAt: null, deadline: null });
    expect(saga.nextAttemptAt).toBe(new Date(sentAt + 2_000).toISOString());

    expect(saga.timeline.map((row) => [row.seq, row.action, row.status, row.step])).toEqual([
      [1, 'saga', 'running', null],
      [2, 'command', 'sent', 'alpha'],
      [3, 'reply', 'success', 'alpha'],
      [4, 'command', 'sent', 'beta'],
    ]);
    expect(saga.timeline[2]).toMatchObject({
      commandId: saga.steps[0]?.commandId,
      payload: { ref: 'A-1' },
      error: null,
    });
    expect(saga.timeline[1]?.payload).toEqual({ subject: 'order-42', step: 'alpha', amount: 7, pin: null });
    const times = saga.timeline.map((row) => Date.parse(row.at));
    expect(times.every((t) => Number.isFinite(t))).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('retries the step of a running saga: 202, an operator retry row and the same command resent', async () => {
    const id = await world.start();
    const before = await world.writes();

    const response = await world.post(`/admin/sagas/${id}/retry`);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({
      id,
      type: 'test-saga',
      status: 'running',
      currentStep: 'alpha',
      correlationId: id,
      failureReason: null,
    });

    const saga = await detail(id);
    const tail = saga.timeline.slice(-2);
    expect(tail).toMatchObject([
      { step: 'alpha', action: 'operator', status: 'retry', commandId: null },
      { step: 'alpha', action: 'command', status: 'resent (attempt 2)', commandId: saga.steps[0]?.commandId },
    ]);
    expect(saga.steps[0]?.attempts).toBe(2);
    expect(await world.writes()).toEqual({
      log: before.log + 2,
      outbox: before.outbox + 1,
      versions: before.versions + 1,
    });
  });

  it('resends a waiting command at each retry without force (commands have no cap, their deadline bounds them), showing its sends, last and next send and deadline', async () => {
    const id = await world.start();
    const startedAt = world.now;
    for (let attempt = 2; attempt <= 5; attempt++) {
      world.now += 300;
      const response = await world.post(`/admin/sagas/${id}/retry`);
      expect(response.statusCode, `retry to attempt ${attempt}: ${response.body}`).toBe(202);
    }

    const saga = await detail(id);
    expect(saga.steps[0]).toMatchObject({
      status: 'running',
      attempts: 5,
      lastSentAt: new Date(world.now).toISOString(),
      // The fifth send waits the cap of the test saga's schedule, 4 s.
      nextSendAt: new Date(world.now + 4_000).toISOString(),
      deadline: new Date(startedAt + 60_000).toISOString(),
    });
    const sends = saga.timeline.filter((row) => row.action === 'command');
    expect(sends.map((row) => row.status)).toEqual([
      'sent',
      'resent (attempt 2)',
      'resent (attempt 3)',
      'resent (attempt 4)',
      'resent (attempt 5)',
    ]);
    expect(new Set(sends.map((row) => row.commandId))).toEqual(new Set([saga.steps[0]?.commandId]));
    const forced = await world.post(`/admin/sagas/${id}/retry`, { force: true });
    expect(forced.statusCode, forced.body).toBe(202);
    expect((await detail(id)).timeline.slice(-2)).toMatchObject([
      { action: 'operator', status: 'retry' },
      { action: 'command', status: 'resent (attempt 6)' },
    ]);
  });

  it("retries a failed saga's compensation only with force (409 naming the limit without), which makes it compensating again", async () => {
    const id = await world.start();
    await world.drive(id, 'failed');
    const before = await world.writes();

    const problem = expectProblem(
      await world.post(`/admin/sagas/${id}/retry`),
      409,
      'SAGA_ACTION_NOT_ALLOWED',
    );
    expect(problem.detail).toBe(
      `cannot retry saga ${id}: saga is failed: the compensation of step alpha was sent 3 times, its limit of 3; retry with force to send it once more`,
    );
    expect(problem.details).toMatchObject({ id, action: 'retry', currentStatus: 'failed' });
    expect(await world.writes()).toEqual(before);

    const forced = await world.post(`/admin/sagas/${id}/retry`, { force: true });
    expect(forced.statusCode, forced.body).toBe(202);
    expect(forced.json()).toMatchObject({ id, status: 'compensating', currentStep: 'alpha' });
    const saga = await detail(id);
    expect(saga.steps[0]).toMatchObject({ status: 'compensating', compensationAttempts: 4 });
    expect(saga.timeline.slice(-3)).toMatchObject([
      { step: 'alpha', action: 'operator', status: 'retry (forced)' },
      { action: 'saga', status: 'compensating' },
      // The last one was refused, so its id is in the participant's inbox: a new one.
      {
        step: 'alpha',
        action: 'compensation',
        status: 'resent (attempt 4)',
        commandId: saga.steps[0]?.compensationCommandId,
      },
    ]);
    await world.answer(id, 'success');
    expect(await world.status(id)).toBe('compensated');
  });

  it('refuses to retry a compensation that has had all its attempts without force', async () => {
    const id = await world.start();
    expect((await world.post(`/admin/sagas/${id}/abort`)).statusCode).toBe(202); // compensation attempt 1
    for (let i = 0; i < 2; i++) expect((await world.post(`/admin/sagas/${id}/retry`)).statusCode).toBe(202);

    const problem = expectProblem(
      await world.post(`/admin/sagas/${id}/retry`),
      409,
      'SAGA_ACTION_NOT_ALLOWED',
    );
    expect(problem.detail).toContain('the compensation of step alpha was sent 3 times, its limit of 3');
    const forced = await world.post(`/admin/sagas/${id}/retry`, { force: true });
    expect(forced.statusCode, forced.body).toBe(202);
    expect((await detail(id)).steps[0]).toMatchObject({ status: 'compensating', compensationAttempts: 4 });
  });

  it('aborts a running saga into compensating, starting with the step in flight', async () => {
    const id = await world.start();
    await world.answer(id, 'success');

    const response = await world.post(`/admin/sagas/${id}/abort`, { reason: 'customer called' });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({
      id,
      status: 'compensating',
      // beta's command may have applied before the abort, so it is undone first.
      currentStep: 'beta',
      failureReason: 'aborted: customer called',
    });

    const saga = await detail(id);
    expect(saga.timeline.slice(-3)).toMatchObject([
      { step: 'beta', action: 'operator', status: 'abort', error: 'customer called' },
      { step: null, action: 'saga', status: 'compensating' },
      { step: 'beta', action: 'compensation', status: 'sent' },
    ]);
    expect(saga.steps.map((step) => step.status)).toEqual(['succeeded', 'compensating', 'pending']);
  });

  it('aborts without a body with the default reason', async () => {
    const id = await world.start();
    const response = await world.post(`/admin/sagas/${id}/abort`);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({
      status: 'compensating',
      failureReason: 'aborted: aborted by an operator',
    });
  });

  it('refuses to abort a completed saga with 409 naming its status, and writes nothing', async () => {
    const id = await world.start();
    await world.drive(id, 'completed');
    const before = await world.writes();

    const problem = expectProblem(
      await world.post(`/admin/sagas/${id}/abort`, { reason: 'too late' }),
      409,
      'SAGA_ACTION_NOT_ALLOWED',
    );
    expect(problem.detail).toContain('completed');
    expect(problem.details).toMatchObject({ id, action: 'abort', currentStatus: 'completed' });
    expect(problem.instance).toBe(`/admin/sagas/${id}/abort`);
    expect(await world.writes()).toEqual(before);
    expect(await world.status(id)).toBe('completed');
  });

  it('replays the compensations of a failed saga: 202 and compensating again', async () => {
    const id = await world.start();
    await world.drive(id, 'failed');

    const response = await world.post(`/admin/sagas/${id}/compensations/replay`);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({ id, status: 'compensating', currentStep: 'alpha' });

    const saga = await detail(id);
    expect(saga.timeline.slice(-3)).toMatchObject([
      { action: 'operator', status: 'replay-compensations' },
      { action: 'saga', status: 'compensating' },
      { step: 'alpha', action: 'compensation', status: 'sent' },
    ]);
    expect(saga.steps[0]).toMatchObject({ status: 'compensating', compensationAttempts: 1 });
  });

  it('refuses to replay the compensations of a running saga with 409 naming its status', async () => {
    const id = await world.start();
    const problem = expectProblem(
      await world.post(`/admin/sagas/${id}/compensations/replay`),
      409,
      'SAGA_ACTION_NOT_ALLOWED',
    );
    expect(problem.detail).toContain('running');
  });

  it.each([
    ['GET', ''],
    ['POST', '/retry'],
    ['POST', '/abort'],
    ['POST', '/compensations/replay'],
  ])('answers %s of an unknown saga%s with 404 problem json', async (method, action) => {
    const id = randomUUID();
    const response =
      method === 'GET'
        ? await world.get(`/admin/sagas/${id}`)
        : await world.post(`/admin/sagas/${id}${action}`);
    const problem = expectProblem(response, 404, 'SAGA_NOT_FOUND');
    expect(problem.detail).toContain(id);
    expect(problem.details).toEqual({ id });
  });

  describe('bad input', () => {
    let running: string;
    beforeAll(async () => {
      running = await world.start();
    });

    const tooLong = 'x'.repeat(501);
    it.each<[string, string, string, unknown, string]>([
      ['a non-uuid id to show', 'GET', '/admin/sagas/not-a-uuid', undefined, 'id'],
      ['a non-uuid id to retry', 'POST', '/admin/sagas/123/retry', undefined, 'id'],
      ['a non-uuid id to abort', 'POST', '/admin/sagas/123/abort', { reason: 'x' }, 'id'],
      ['a non-uuid id to replay', 'POST', '/admin/sagas/RUNNING-x/compensations/replay', undefined, 'id'],
      ['an unknown status', 'GET', '/admin/sagas?status=stuck', undefined, 'status'],
      ['an empty status', 'GET', '/admin/sagas?status=', undefined, 'status'],
      ['limit 0', 'GET', '/admin/sagas?limit=0', undefined, 'limit'],
      ['limit 500', 'GET', '/admin/sagas?limit=500', undefined, 'limit'],
      ['a limit that is not a number', 'GET', '/admin/sagas?limit=ten', undefined, 'limit'],
      ['a garbage cursor', 'GET', '/admin/sagas?cursor=garbage!!', undefined, 'cursor'],
      ['a base64url cursor that is not ours', 'GET', '/admin/sagas?cursor=Z2FyYmFnZQ', undefined, 'cursor'],
      ['a negative age', 'GET', '/admin/sagas?minAgeMs=-1', undefined, 'minAgeMs'],
      ['an age range upside down', 'GET', '/admin/sagas?minAgeMs=10&maxAgeMs=5', undefined, 'minAgeMs'],
      ['a misspelt filter', 'GET', '/admin/sagas?staus=failed', undefined, 'staus'],
      ['a reason over 500 characters', 'POST', '/admin/sagas/RUNNING/abort', { reason: tooLong }, 'reason'],
      ['an empty reason', 'POST', '/admin/sagas/RUNNING/abort', { reason: '' }, 'reason'],
      ['a reason that is not a string', 'POST', '/admin/sagas/RUNNING/abort', { reason: 42 }, 'reason'],
      ['an unknown body property', 'POST', '/admin/sagas/RUNNING/abort', { reasn: 'typo' }, 'reasn'],
      ['a JSON array body', 'POST', '/admin/sagas/RUNNING/abort', [], 'body'],
      ['force that is not a boolean', 'POST', '/admin/sagas/RUNNING/retry', { force: 'yes' }, 'force'],
      ['an unknown retry property', 'POST', '/admin/sagas/RUNNING/retry', { forced: true }, 'forced'],
      ['malformed JSON', 'POST', '/admin/sagas/RUNNING/abort', '{"reason": ', 'body'],
    ])('refuses %s with 400 naming the field, writing nothing', async (_, method, path, payload, field) => {
      const url = path.replace('RUNNING', running);
      const before = await world.writes();
      const response = await world.app.inject({
        method: method as 'GET' | 'POST',
        url,
        ...(payload === undefined
          ? { headers: ADMIN }
          : typeof payload === 'string'
            ? { payload, headers: { ...ADMIN, 'content-type': 'application/json' } }
            : { payload: payload as object, headers: ADMIN }),
      });
      expect(response.statusCode, response.body).toBe(400);
      const problem = response.json<ProblemDetails>();
      expectProblem(response, 400, problem.code);
      expect(['CONVEYOR_INVALID_REQUEST', 'SAGA_INVALID_CURSOR', 'SAGA_INVALID_FILTER']).toContain(
        problem.code,
      );
      expect(problem.errors?.map((e) => e.field)).toEqual([field]);
      expect(problem.errors?.[0]?.message).toEqual(expect.any(String));
      expect(problem.detail).toContain(field);
      expect(await world.writes()).toEqual(before);
      expect(await world.status(running)).toBe('running');
    });
  });
});
