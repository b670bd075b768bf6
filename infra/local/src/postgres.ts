import { appendFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { InfraConfig } from './config.ts';
import { embeddedPostgresHome } from './embedded-postgres-home.ts';
import { InfraError } from './errors.ts';
import type { PartStatus, StartedPart } from './part.ts';
import { partLogFile, startPart } from './part-start.ts';
import type { ProcessTable } from './processes.ts';

const NAME = 'postgres';
const EMBEDDED_PASSWORD = 'postgres';

/** True when `SELECT 1` succeeds on the URL within the timeout. */
export async function postgresAnswers(url: string, timeoutMs = 3_000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function embeddedUrl(config: InfraConfig): string {
  return `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${config.postgres.embeddedPort}/postgres`;
}

/** DATABASE_URL if set; else the machine's server if it answers; else an embedded server. */
export async function upPostgres(config: InfraConfig, table: ProcessTable): Promise<StartedPart> {
  const { external, machineUrl, forceEmbedded } = config.postgres;
  if (external) {
    if (!(await postgresAnswers(external, 10_000))) {
      throw new InfraError('INFRA_UNREACHABLE', `DATABASE_URL=${redact(external)} does not answer SELECT 1`, {
        part: NAME,
      });
    }
    return { name: NAME, address: external, mode: 'external (DATABASE_URL)', started: false };
  }
  if (!forceEmbedded && (await postgresAnswers(machineUrl))) {
    return { name: NAME, address: machineUrl, mode: 'machine', started: false };
  }
  const url = embeddedUrl(config);
  if (table.running(NAME) && (await postgresAnswers(url))) {
    return { name: NAME, address: url, mode: 'embedded', started: false };
  }
  await table.stop(NAME);
  const dataRoot = join(config.cacheDir, 'data');
  mkdirSync(dataRoot, { recursive: true });
  // Run as root, the server drops to a `postgres` user, which must be able to reach its data dir.
  for (const dir of [config.cacheDir, dataRoot]) chmodSync(dir, 0o755);
  const home = embeddedPostgresHome(config.cacheDir);
  const logFile = partLogFile(config, NAME);
  if (home.movedBecause) {
    mkdirSync(dirname(logFile), { recursive: true });
    appendFileSync(logFile, `${home.movedBecause}: binaries and data in ${dirname(home.dataDir)}\n`);
  }
  const host = fileURLToPath(new URL('./embedded-postgres-host.ts', import.meta.url));
  return startPart(config, table, {
    name: NAME,
    executable: process.execPath,
    args: ['--import', 'tsx', host, home.dataDir, String(config.postgres.embeddedPort)],
    address: url,
    probe: () => postgresAnswers(url),
    mode: 'embedded',
    cwd: config.rootDir,
    env: {
      ...process.env,
      EMBEDDED_PG_PASSWORD: EMBEDDED_PASSWORD,
      EMBEDDED_PG_MODULE: home.moduleSpecifier,
    },
  });
}

export async function postgresStatus(config: InfraConfig, table: ProcessTable): Promise<PartStatus> {
  const running = table.running(NAME);
  let mode = 'machine';
  let url = config.postgres.machineUrl;
  if (config.postgres.external) {
    mode = 'external (DATABASE_URL)';
    url = config.postgres.external;
  } else if (running || config.postgres.forceEmbedded) {
    mode = 'embedded';
    url = embeddedUrl(config);
  }
  return {
    name: NAME,
    mode,
    address: redact(url),
    pid: running?.pid,
    answers: await postgresAnswers(url),
    logFile: mode === 'embedded' ? partLogFile(config, NAME) : undefined,
  };
}

/** The URL with its password masked, for printing. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Creates a database on the server if it does not exist yet and returns its URL. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client
        .query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`)
        .catch((error: { code?: string }) => {
          if (error.code !== '42P04') throw error; // created concurrently by another caller
        });
    }
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
