import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaOrchestrator } from '../src/index.ts';
import { SagaWorld } from './support/saga-world.ts';

describe('saga orchestrator with participants as separate consumers', () => {
  let world: SagaWorld;
  let orchestrator: SagaOrchestrator;
  beforeAll(async () => {
    world = await SagaWorld.create();
    await world.startParticipants();
    orchestrator = await world.startOrchestrator();
  });
  afterAll(() => world.close());

  const timeline = async (id: string) =>
    (await orchestrator.store.timeline(world.orchestratorDb, id)).map(
      (r) => `${r.step ?? '-'} ${r.action} ${r.status}`,
    );

  it('completes three steps and logs each command and reply with timestamps', async () => {
    const { sagaId, correlationId } = await orchestrator.start(
      'test-saga',
      { subject: 'happy', amount: 5 },
      { correlationId: 'req-1' },
    );

    await world.waitForStatus(sagaId, 'completed');

    expect(correlationId).toBe('req-1');
    expect(await timeline(sagaId)).toEqual([
      '- saga running',
      'alpha command sent',
      'alpha reply success',
      'beta command sent',
      'beta reply success',
      'gamma command sent',
      'gamma reply success',
      '- saga completed',
    ]);
    const rows = await orchestrator.store.timeline(world.orchestratorDb, sagaId);
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]?.at.getTime()).toBeGreaterThanOrEqual(rows[i - 1]?.at.getTime() ?? 0);
    const saga = await orchestrator.store.load(world.orchestratorDb, sagaId);
    expect(saga?.state.data).toMatchObject({
      receipts: { alpha: { receipt: expect.any(String) }, gamma: expect.anything() },
    });
    expect((await world.applied('happy')).map((r) => `${r.step}:${r.action}`)).toEqual([
      'alpha:command',
      'beta:command',
      'gamma:command',
    ]);
  });

  it('compensates only step 1 when step 2 fails, and ends compensated', async () => {
    const { sagaId } = await orchestrator.start('test-saga', { subject: 'fail:beta', amount: 1 });

    await world.waitForStatus(sagaId, 'compensated');

    expect(await timeline(sagaId)).toEqual([
      '- saga running',
      'alpha command sent',
      'alpha reply success',
      'beta command sent',
      'beta reply failure',
      '- saga compensating',
      'alpha compensation sent',
      'alpha reply success',
      '- saga compensated',
    ]);
    expect((await world.applied('fail:beta')).map((r) => `${r.step}:${r.action}`)).toEqual([
      'alpha:command',
      'alpha:compensation',
    ]);
    const saga = await orchestrator.store.load(world.orchestratorDb, sagaId);
    expect(saga?.state.failureReason).toBe('beta: beta refused fail:beta');
  });

  it('ignores a duplicated reply', async () => {
    const { sagaId } = await orchestrator.start('test-saga', { subject: 'dup', amount: 1 });
    await world.waitForStatus(sagaId, 'completed');
    const before = await orchestrator.store.load(world.orchestratorDb, sagaId);
    const alphaReply = (await orchestrator.store.timeline(world.orchestratorDb, sagaId)).find(
      (r) => r.step === 'alpha' && r.action === 'reply',
    );

    await orchestrator.receiveReply({
      sagaId,
      step: 'alpha',
      action: 'command',
      commandId: alphaReply?.commandId ?? '',
      outcome: 'success',
      data: null,
      reason: null,
    });

    const after = await orchestrator.store.load(world.orchestratorDb, sagaId);
    expect(after?.state).toEqual(before?.state);
    expect(after?.version).toBe(before?.version);
    expect((await timeline(sagaId)).at(-1)).toBe('alpha ignored success');
    expect(await world.applied('dup')).toHaveLength(3);
  });

  it('leaves a saga in failed when a compensation keeps failing, and replaying it after the fix compensates it', async () => {
    world.behaviour.brokenUndo = true;
    const { sagaId } = await orchestrator.start('test-saga', {
      subject: 'fail:gamma undo-fails:alpha',
      amount: 1,
    });

    await world.waitForStatus(sagaId, 'failed');
    const failed = await orchestrator.store.load(world.orchestratorDb, sagaId);
    expect(failed?.state.steps[0]?.error).toMatch(
      /compensation of alpha failed: alpha cannot undo yet after 3 attempts/,
    );
    expect(failed?.state.failureReason).toMatch(/^gamma: /);
    expect((await world.applied('fail:gamma undo-fails:alpha')).map((r) => `${r.step}:${r.action}`)).toEqual([
      'alpha:command',
      'beta:command',
      'beta:compensation',
    ]);

    world.behaviour.brokenUndo = false;
    await orchestrator.act(sagaId, 'replay-compensations');

    await world.waitForStatus(sagaId, 'compensated');
    expect((await timeline(sagaId)).slice(-5)).toEqual([
      'alpha operator replay-compensations',
      '- saga compensating',
      'alpha compensation sent',
      'alpha reply success',
      '- saga compensated',
    ]);
    expect(
      (await world.applied('fail:gamma undo-fails:alpha'))
        .filter((r) => r.action === 'compensation')
        .map((r) => r.step),
    ).toEqual(['beta', 'alpha']);
  });

  it('never applies a command twice', async () => {
    expect(await world.doubleApplied()).toEqual([]);
  });
});
