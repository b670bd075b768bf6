/**
 * npm run replay -- <projection> [--from earliest|<ISO time>] [--dry-run]
 * npm run replay -- --status
 *
 * Rebuilds a read model from its topics into a new generation while the current one keeps serving,
 * then switches atomically (see packages/events/src/projections). Databases: <SERVICE>_DATABASE_URL,
 * else the `conveyor_<service>` database on DATABASE_URL's server (what `npm start` creates).
 */
import { parseArgs } from 'node:util';
import {
  type AnyProjection,
  AvroCodec,
  createDatabase,
  type EventsDatabase,
  errorMessage,
  MessageCatalog,
  ProjectionStore,
  projectionLag,
  rebuildProjection,
} from '@conveyor/events';
import { envReader } from '@conveyor/http';
import { loadInfraConfig } from '@conveyor/infra-local';
import { schemasDir } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import { projectionsOf, type RegisteredProjection } from './replay-registry.ts';

const USAGE =
  'usage: npm run replay -- <projection> [--from earliest|<ISO time>] [--dry-run]\n       npm run replay -- --status';

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    console.error(`${errorMessage(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const namespace = envReader(process.env).topicNamespace();
  const registry = projectionsOf(namespace);
  if (values.status) return status(registry, namespace);
  const [name, ...extra] = positionals;
  if (!name) return usage('name the projection to rebuild, or pass --status');
  if (extra.length > 0) return usage(`unexpected argument "${extra[0]}"`);
  const entry = registry.find((r) => r.definition.name === name);
  if (!entry)
    return usage(`unknown projection "${name}"; known: ${registry.map((r) => r.definition.name).join(', ')}`);
  let from: 'earliest' | Date = 'earliest';
  if (values.from && values.from !== 'earliest') {
    const time = new Date(values.from);
    if (Number.isNaN(time.getTime()))
      return usage(`--from must be "earliest" or an ISO time; got "${values.from}"`);
    from = time;
  }
  const { db, kafka, codec } = connect(entry.service);
  try {
    if (values['dry-run']) return await dryRun(db, kafka, entry.definition, from);
    const began = Date.now();
    const result = await rebuildProjection({
      db,
      kafka,
      codec,
      definition: entry.definition,
      from,
      groupPrefix: namespace,
      onProgress: (p) =>
        process.stdout.write(`\r${progressLine(p.applied, Number(p.lag), p.ratePerSecond, p.generation)}`),
    });
    process.stdout.write('\n');
    console.log(
      `${name}: generation ${result.generation} is served (was ${result.previousGeneration})` +
        `${result.resumed ? ', resumed from its checkpoints' : ''}; ${result.applied} messages in ` +
        `${((Date.now() - began) / 1000).toFixed(1)} s (${Math.round(result.applied / Math.max(result.elapsedMs / 1000, 0.001))}/s)` +
        // Poison messages do not stop a rebuild: they go to <topic>.dlq, as the live projection sends them.
        `${result.deadLettered ? `; ${result.deadLettered} dead-lettered (npm run dlq -- list --topic <topic>.dlq)` : ''}`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, 'dry-run': { type: 'boolean' }, status: { type: 'boolean' } },
  });
}

function usage(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

function connect(service: string) {
  const infra = loadInfraConfig();
  const server = infra.postgres.external ?? infra.postgres.machineUrl;
  const url =
    process.env[`${service.toUpperCase()}_DATABASE_URL`] ?? withDatabase(server, `conveyor_${service}`);
  const db = createDatabase<EventsDatabase>({ url, applicationName: 'conveyor-replay' });
  const kafka = new Kafka({
    clientId: 'conveyor-replay',
    brokers: infra.kafka.external ?? [`127.0.0.1:${infra.kafka.port}`],
    logLevel: logLevel.NOTHING,
  });
  const registryUrl = infra.registry.external ?? `http://127.0.0.1:${infra.registry.port}/apis/ccompat/v7`;
  return { db, kafka, codec: AvroCodec.connect(registryUrl, MessageCatalog.fromDirectories(schemasDir)) };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `[#########.........] 47%  12,345 msgs  3,800/s  lag 13,900  ETA 4 s` */
export function progressLine(applied: number, lag: number, rate: number, generation: number): string {
  const total = applied + lag;
  const ratio = total === 0 ? 1 : applied / total;
  const width = 24;
  const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '.');
  const eta = rate > 0 ? `${Math.ceil(lag / rate)} s` : '-';
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return `g${generation} [${bar}] ${String(Math.round(ratio * 100)).padStart(3)}%  ${n(applied)} msgs  ${n(rate)}/s  lag ${n(lag)}  ETA ${eta}   `;
}

async function dryRun(
  db: Kysely<EventsDatabase>,
  kafka: Kafka,
  definition: AnyProjection,
  from: 'earliest' | Date,
) {
  const store = new ProjectionStore(db);
  const current = await store.generations(definition.name);
  const { partitions } = await projectionLag(kafka, definition.topics, new Map());
  const messages = partitions.reduce((sum, p) => sum + Number(p.high - p.next), 0);
  const next = current?.building ?? (current?.served ?? 0) + 1;
  console.log(
    `dry run: ${definition.name} would ${current?.building ? 'resume' : 'build'} generation ${next}`,
  );
  console.log(
    `  served now: ${current ? `generation ${current.served}` : 'nothing yet (generation 1 would be created first)'}`,
  );
  console.log(
    `  from: ${from === 'earliest' ? 'the earliest offsets' : from.toISOString()}; topics: ${definition.topics.join(', ')}`,
  );
  console.log(
    `  messages on the topics now: ${messages} across ${partitions.length} partitions; nothing was changed`,
  );
  return 0;
}

/** One line per projection: served and building generations, lag, state and checkpoints. */
async function status(registry: RegisteredProjection[], namespace: string): Promise<number> {
  console.log(
    `${'projection'.padEnd(26)} ${'service'.padEnd(11)} served  building  lag       state        checkpoints${namespace ? `   (namespace ${namespace})` : ''}`,
  );
  for (const entry of registry) {
    const { db, kafka } = connect(entry.service);
    try {
      console.log(
        `${entry.definition.name.padEnd(26)} ${entry.service.padEnd(11)} ${await statusOf(entry, db, kafka)}`,
      );
    } finally {
      await db.destroy();
    }
  }
  return 0;
}

async function statusOf(
  entry: RegisteredProjection,
  db: Kysely<EventsDatabase>,
  kafka: Kafka,
): Promise<string> {
  const store = new ProjectionStore(db);
  let gens: Awaited<ReturnType<ProjectionStore['generations']>>;
  try {
    gens = await store.generations(entry.definition.name);
  } catch (error) {
    // Its database is not there yet (the service never started against it), or not reachable.
    return `${'-'.padEnd(7)} ${'-'.padEnd(9)} ${'-'.padEnd(9)} unavailable  ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!gens) return `${'-'.padEnd(7)} ${'-'.padEnd(9)} ${'-'.padEnd(9)} not started`;
  const checkpoints = await store.checkpoints(entry.definition.name, gens.served);
  const { lag, partitions } = await projectionLag(kafka, entry.definition.topics, checkpoints);
  const where = partitions
    .map((p) => `${p.topic.split('.').slice(-2).join('.')}[${p.partition}]=${p.next}`)
    .join(' ');
  const state = gens.building ? 'rebuilding' : lag > 0n ? 'catching up' : 'serving';
  return `g${String(gens.served).padEnd(6)} ${(gens.building ? `g${gens.building}` : '-').padEnd(9)} ${String(lag).padEnd(9)} ${state.padEnd(12)} ${where}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
