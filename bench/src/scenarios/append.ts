import { EventStore } from '@conveyor/events';
import type { Kysely } from 'kysely';
import { rawCommits } from '../baselines/raw-commits.ts';
import { type BenchContext, sized } from '../context.ts';
import { BENCH_ITEM } from '../infra-world.ts';
import { formatCount } from '../measure/progress.ts';
import { type ResultRow, rateRow } from '../scenario.ts';
import { inInfraWorld } from './infra-scenario.ts';

const WRITERS = 64;
/** createDatabase's default pool, which every service uses. */
const POOL = 10;

/**
 * Event-store appends as a service makes them (one event and its outbox message, optimistic
 * concurrency on the stream) from 64 concurrent writers, each on its own stream, vs 64 loops of
 * raw single-row INSERT commits on the same pool.
 */
export async function appendScenario(ctx: BenchContext): Promise<ResultRow[]> {
  const count = sized(ctx, 20_000, 1_000);
  return inInfraWorld(
    ctx,
    'append',
    async (world, progress) => {
      const raw = await rawCommits(world.db as Kysely<unknown>, { clients: WRITERS, count }, progress);

      const store = new EventStore(world.db, world.catalog);
      let done = 0;
      // Each writer owns its stream, so that every append expects the version it wrote last.
      const writer = async (w: number) => {
        const streamId = `bench-stream-${w}`;
        for (let version = 0; version * WRITERS + w < count; version++) {
          await store.append({
            streamId,
            expectedVersion: version,
            events: [{ type: 'BenchItemAdded', data: { version: version + 1 } }],
            messages: [
              {
                topic: world.topic,
                key: streamId,
                type: BENCH_ITEM,
                data: { aggregateId: streamId, version: version + 1, note: 'appended' },
              },
            ],
          });
          done++;
          progress.update(`appends ${formatCount(done)}/${formatCount(count)}`);
        }
      };
      const { report } = await ctx.phase('append', { self: true }, () =>
        Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w))),
      );
      progress.done();

      return [
        rateRow({
          scenario: 'append',
          count,
          elapsedMs: report.elapsedMs,
          figure: {
            unit: 'appends/s',
            what: `EventStore.append, 1 event + 1 outbox message, ${WRITERS} writers, pool of ${POOL}`,
          },
          baseline: {
            value: raw.commitsPerSecond,
            unit: 'commits/s',
            what: `single-row INSERT commits, ${WRITERS} loops on the same pool`,
          },
          targets: [{ on: 'ratio', atLeast: 0.5 }],
          details: {
            appends: count,
            writers: WRITERS,
            pool: POOL,
            appendMs: report.elapsedMs,
            rawMs: raw.elapsedMs,
          },
          phase: report,
        }),
      ];
    },
    { maxConnections: POOL },
  );
}
