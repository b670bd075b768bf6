import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaOrchestrator } from '../src/index.ts';
import { SagaWorld } from './support/saga-world.ts';

/** Short for a test: resends every 0.5 s to 1 s, and a step may go unanswered for 5 s. */
const DEADLINE_MS = 5_000;

describe('a step that never replies', () => {
  let world: SagaWorld;
  let orchestrator: SagaOrchestrator;
  beforeAll(async () => {
    world = await SagaWorld.create({
      timing: { resend: { initialDelayMs: 500, maxDelayMs: 1_000 }, deadlineMs: DEADLINE_MS },
    });
    await world.startParticipants({ mute: 'beta' });
    orchestrator = await world.startOrchestrator();
  });
  afterAll(() => world.close());

  it('is resent with the same command id (applied once) until its deadline, then compensated with the steps before it', async () => {
    const { sagaId } = await orchestrator.start('test-saga', { subject: 'silent', amount: 1 });

    await world.waitForStatus(sagaId, 'compensated', 30_000);

    const log = await orchestrator.store.timeline(world.orchestratorDb, sagaId);
    const betaSends = log.filter((r) => r.step === 'beta' && r.action === 'command');
    // 0.5 s, 1 s, 1 s, … (±20 %, plus the sweep interval) within 5 s: four resends at least.
    expect(betaSends.length).toBeGreaterThanOrEqual(5);
    expect(betaSends.map((r) => r.status)).toEqual(
      betaSends.map((_, i) => (i === 0 ? 'sent' : `resent (attempt ${i + 1})`)),
    );
    expect(new Set(betaSends.map((r) => r.commandId)).size).toBe(1);
    const first = betaSends[0]?.at.getTime() ?? 0;
    const last = betaSends.at(-1)?.at.getTime() ?? 0;
    expect(last - first).toBeLessThan(DEADLINE_MS);
    const passed = log.find((r) => r.action === 'deadline');
    expect(passed).toMatchObject({ step: 'beta', status: 'passed', commandId: betaSends[0]?.commandId });
    // Log times are the database's clock at each insert, a millisecond or so after the
    // orchestrator's clock that set the deadline.
    expect((passed?.at.getTime() ?? 0) - first).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    const applied = await world.applied('silent');
    expect(applied.map((r) => `${r.step}:${r.action}`)).toEqual([
      'alpha:command',
      'beta:command', // once, although it arrived every time it was resent
      'beta:compensation', // its outcome was unknown, so it is undone too
      'alpha:compensation',
    ]);
    const saga = await orchestrator.store.load(world.orchestratorDb, sagaId);
    expect(saga?.state.failureReason).toMatch(
      /^beta: timed out \(no reply to \d+ sends within its 5000 ms deadline\)$/,
    );
    expect(await world.doubleApplied()).toEqual([]);
  });
});
