import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type TestProcess } from '../../events/test/support/processes.ts';
import { SagaWorld } from './support/saga-world.ts';

const orchestratorFixture = fileURLToPath(new URL('./fixtures/orchestrator-process.ts', import.meta.url));

describe('saga orchestrator crash recovery', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function scenario(crashAt: string, subjects: string[]) {
    const world = await SagaWorld.create();
    cleanups.push(() => world.close());
    await world.startParticipants();
    const env = {
      DATABASE_URL: world.orchestratorDatabase.url,
      KAFKA_BROKERS: world.infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: world.infra.schemaRegistryUrl,
      TOPICS: JSON.stringify(world.topics),
    };
    const spawn = (extra: NodeJS.ProcessEnv): TestProcess => {
      const p = startFixture(orchestratorFixture, { ...env, ...extra });
      cleanups.push(() => p.kill('SIGKILL'));
      return p;
    };

    const doomed = spawn({ CRASH_AT: crashAt, START_SUBJECTS: JSON.stringify(subjects) });
    await doomed.exited;
    expect(doomed.child.signalCode, doomed.output()).toBe('SIGKILL');
    expect(doomed.events.find((e) => e.event === 'crashing')?.point).toBe(crashAt);

    const started = await world.statuses();
    spawn({});
    const statuses = await world.waitAllTerminal(60_000);
    return { world, started, statuses };
  }

  it('finishes a saga whose orchestrator was killed right after starting it', async () => {
    const { world, started, statuses } = await scenario('after-start', ['s1']);

    expect(started.size).toBe(1);
    expect([...statuses.values()]).toEqual(['completed']);
    expect((await world.applied()).map((r) => r.step)).toEqual(['alpha', 'beta', 'gamma']);
    expect(await world.doubleApplied()).toEqual([]);
  });

  it('finishes sagas whose orchestrator was killed after consuming a reply and before committing it', async () => {
    const { world, statuses } = await scenario('before-reply-commit', [
      's1',
      's2',
      'fail:beta',
      'fail:gamma',
    ]);

    expect(new Set(statuses.values())).toEqual(new Set(['completed', 'compensated']));
    expect([...statuses.values()].filter((s) => s === 'completed')).toHaveLength(2);
    expect(await world.doubleApplied()).toEqual([]);
    expect((await world.applied('s1')).map((r) => r.step)).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('finishes compensating sagas whose orchestrator was killed in the middle of compensation', async () => {
    const { world, statuses } = await scenario('mid-compensation', ['fail:gamma', 'fail:gamma 2', 'ok']);

    expect([...statuses.values()].sort()).toEqual(['compensated', 'compensated', 'completed']);
    expect(await world.doubleApplied()).toEqual([]);
    const compensations = (await world.applied('fail:gamma')).filter((r) => r.action === 'compensation');
    expect(compensations.map((r) => r.step)).toEqual(['beta', 'alpha']);
  });
});
