import { createMetricsRegistry, createServiceApp } from '@conveyor/http';
import { developmentVerifier } from '@conveyor/http/testing';
import { eventually } from '@conveyor/infra-local/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SagaDetailView, type SagaOrchestrator, sagaAdminRoutes } from '../src/index.ts';
import { ADMIN } from './support/admin-world.ts';
import { SagaWorld } from './support/saga-world.ts';

/** Resends after 0.5 s, then every second; a step may wait a minute, far longer than the outage. */
const TIMING = { resend: { initialDelayMs: 500, maxDelayMs: 1_000 }, deadlineMs: 60_000 };
/** How long beta's participant stays down once the saga waits for it: several resend intervals. */
const OUTAGE_MS = 6_000;

describe('a participant stopped while a saga waits for it, and started again', () => {
  let world: SagaWorld;
  let orchestrator: SagaOrchestrator;
  let admin: FastifyInstance;
  beforeAll(async () => {
    world = await SagaWorld.create({ timing: TIMING });
    await world.startParticipants();
    orchestrator = await world.startOrchestrator();
    admin = await createServiceApp({
      name: 'saga-restart-test',
      readiness: {},
      metrics: createMetricsRegistry('saga-restart-test'),
      verifyToken: developmentVerifier(),
    });
    await admin.register(sagaAdminRoutes, { orchestrator, db: world.orchestratorDb });
    await admin.ready();
  });
  afterAll(async () => {
    await admin?.close();
    await world?.close();
  });

  const detail = async (id: string): Promise<SagaDetailView> => {
    const response = await admin.inject({ method: 'GET', url: `/admin/sagas/${id}`, headers: ADMIN });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<SagaDetailView>();
  };
  const betaSends = (saga: SagaDetailView) =>
    saga.timeline.filter((row) => row.step === 'beta' && row.action === 'command');

  it('resends the step with the same command id while the participant is down, and completes once it is back, not compensated', async () => {
    // A first saga through every participant, so that beta's group has committed offsets to resume from.
    const warmUp = await orchestrator.start('test-saga', { subject: 'warm-up', amount: 1 });
    await world.waitForStatus(warmUp.sagaId, 'completed');

    // beta's participant is stopped: its consumer leaves the group cleanly, and nothing consumes its commands.
    const beta = world.participant('beta');
    await beta.stop();
    const stoppedAt = Date.now();
    const { sagaId } = await orchestrator.start('test-saga', { subject: 'restart', amount: 1 });
    const waiting = await eventually(
      'beta sent at least five times',
      async () => {
        const saga = await detail(sagaId);
        return betaSends(saga).length >= 5 && saga;
      },
      20_000,
    );
    // What an operator sees while the saga waits: its sends, the last and the next, and the deadline.
    const step = waiting.steps[1];
    expect(waiting).toMatchObject({ status: 'running', currentStep: 'beta' });
    expect(step).toMatchObject({ name: 'beta', status: 'running' });
    expect(step?.attempts).toBeGreaterThanOrEqual(5);
    const lastSent = Date.parse(step?.lastSentAt ?? '');
    expect(Date.parse(step?.nextSendAt ?? '') - lastSent).toBeGreaterThanOrEqual(800); // 1 s ± 20 %
    expect(Date.parse(step?.deadline ?? '')).toBe(Date.parse(step?.startedAt ?? '') + TIMING.deadlineMs);
    expect(waiting.nextAttemptAt).toBe(step?.nextSendAt);

    await new Promise((resolve) => setTimeout(resolve, stoppedAt + OUTAGE_MS - Date.now()));
    const restartedAt = Date.now();
    await beta.start();
    await world.waitForStatus(sagaId, 'completed', 60_000);

    const saga = await detail(sagaId);
    const sends = betaSends(saga);
    const lines = saga.timeline.map((row) =>
      `${row.at} ${row.step ?? '-'} ${row.action} ${row.status} ${row.commandId ?? ''}`.trimEnd(),
    );
    console.log(`timeline of saga ${sagaId} (admin API), beta down ${OUTAGE_MS} ms:\n${lines.join('\n')}`);
    expect(saga.status).toBe('completed');
    expect(sends.length).toBeGreaterThanOrEqual(6);
    expect(sends.map((row) => row.status)).toEqual(
      sends.map((_, i) => (i === 0 ? 'sent' : `resent (attempt ${i + 1})`)),
    );
    expect(new Set(sends.map((row) => row.commandId))).toEqual(new Set([saga.steps[1]?.commandId]));
    // beta answered only once it was back (same clock: the orchestrator runs in this process), and
    // the command was resent while it was down.
    const reply = saga.timeline.find((row) => row.step === 'beta' && row.action === 'reply');
    expect(Date.parse(reply?.at ?? '')).toBeGreaterThanOrEqual(restartedAt);
    expect(sends.filter((row) => Date.parse(row.at) < restartedAt).length).toBeGreaterThanOrEqual(5);
    // One reply counts: the participant's inbox skipped the other copies of the command.
    expect(saga.timeline.filter((row) => row.step === 'beta' && row.action === 'reply')).toMatchObject([
      { status: 'success', commandId: sends[0]?.commandId },
    ]);
    expect(saga.timeline.filter((row) => ['deadline', 'compensation'].includes(row.action))).toEqual([]);
    expect(saga.timeline.at(-1)).toMatchObject({ step: null, action: 'saga', status: 'completed' });
    expect(saga.steps.map((s) => [s.name, s.status, s.nextSendAt])).toEqual([
      ['alpha', 'succeeded', null],
      ['beta', 'succeeded', null],
      ['gamma', 'succeeded', null],
    ]);
    expect((await world.applied('restart')).map((row) => `${row.step}:${row.action}`)).toEqual([
      'alpha:command',
      'beta:command',
      'gamma:command',
    ]);
    expect(await world.doubleApplied()).toEqual([]);
  });
});
