import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaOrchestrator } from '../src/index.ts';
import { SagaWorld } from './support/saga-world.ts';

describe('a step that never replies', () => {
  let world: SagaWorld;
  let orchestrator: SagaOrchestrator;
  beforeAll(async () => {
    world = await SagaWorld.create({ timeoutMs: 1_000 });
    await world.startParticipants({ mute: 'beta' });
    orchestrator = await world.startOrchestrator();
  });
  afterAll(() => world.close());

  it('is resent with the same command id (applied once), then failed and compensated with the steps before it', async () => {
    const { sagaId } = await orchestrator.start('test-saga', { subject: 'silent', amount: 1 });

    await world.waitForStatus(sagaId, 'compensated', 30_000);

    const log = await orchestrator.store.timeline(world.orchestratorDb, sagaId);
    const betaSends = log.filter((r) => r.step === 'beta' && r.action === 'command');
    expect(betaSends.map((r) => r.status)).toEqual(['sent', 'resent (attempt 2)', 'resent (attempt 3)']);
    expect(new Set(betaSends.map((r) => r.commandId)).size).toBe(1);
    expect(log.filter((r) => r.action === 'timeout')).toHaveLength(3);
    const applied = await world.applied('silent');
    expect(applied.map((r) => `${r.step}:${r.action}`)).toEqual([
      'alpha:command',
      'beta:command', // once, although it arrived three times
      'beta:compensation', // its outcome was unknown, so it is undone too
      'alpha:compensation',
    ]);
    const saga = await orchestrator.store.load(world.orchestratorDb, sagaId);
    expect(saga?.state.failureReason).toBe('beta: timed out');
    expect(await world.doubleApplied()).toEqual([]);
  });
});
