import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaOrchestrator } from '../src/index.ts';
import { SagaWorld } from './support/saga-world.ts';

describe('many sagas at once', () => {
  let world: SagaWorld;
  let orchestrator: SagaOrchestrator;
  beforeAll(async () => {
    // Under this load a reply can take seconds: resends would only add to it.
    world = await SagaWorld.create({
      timing: { resend: { initialDelayMs: 15_000, maxDelayMs: 30_000 }, deadlineMs: 120_000 },
    });
    await world.startParticipants();
    orchestrator = await world.startOrchestrator();
  });
  afterAll(() => world.close());

  it('brings 500 concurrently started sagas to a terminal status', async () => {
    const began = Date.now();
    const subjects = Array.from({ length: 500 }, (_, i) => (i % 10 === 0 ? `fail:beta ${i}` : `bulk ${i}`));

    await Promise.all(subjects.map((subject) => orchestrator.start('test-saga', { subject, amount: 1 })));
    const statuses = await world.waitAllTerminal(120_000);
    const seconds = (Date.now() - began) / 1000;

    const counts = [...statuses.values()].reduce<Record<string, number>>((acc, s) => {
      acc[s] = (acc[s] ?? 0) + 1;
      return acc;
    }, {});
    expect(counts).toEqual({ completed: 450, compensated: 50 });
    expect(await world.doubleApplied()).toEqual([]);
    console.log(
      `500 sagas (3 steps each) reached a terminal status in ${seconds.toFixed(1)} s: ${(500 / seconds).toFixed(0)} sagas/s`,
    );
  });
});
