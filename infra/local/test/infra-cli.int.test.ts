import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInfraConfig } from '../src/config.ts';
import { KAFKA_VERSION } from '../src/kafka.ts';
import { APICURIO_VERSION } from '../src/schema-registry.ts';

const root = loadInfraConfig().rootDir;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 150_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const began = Date.now();
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - began });
    });
  });
}

/** Pids of live (non-zombie) processes whose command line mentions the text. */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '')[0];
      if (cmdline.includes(text) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KAFKA_BROKERS;
  delete env.SCHEMA_REGISTRY_URL;
  delete env.DATABASE_URL;
  return env;
}

describe('infra CLI', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'conveyor-infra-'));
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    CONVEYOR_INFRA_DIR: cacheDir,
    CONVEYOR_POSTGRES: 'embedded',
    CONVEYOR_KAFKA_PORT: '29092',
    CONVEYOR_KAFKA_CONTROLLER_PORT: '29093',
    CONVEYOR_REGISTRY_PORT: '28081',
    CONVEYOR_EMBEDDED_PG_PORT: '25432',
    // Clear of a Zipkin that `npm start --tracing` may run on the default port: status would count it.
    CONVEYOR_ZIPKIN_PORT: '29411',
  };
  // Share the downloaded runtimes of the main cache (read-only) instead of fetching them again.
  const mainCache = loadInfraConfig().cacheDir;
  for (const dir of [`kafka-${KAFKA_VERSION}`, `apicurio-${APICURIO_VERSION}`]) {
    if (existsSync(join(mainCache, dir))) symlinkSync(join(mainCache, dir), join(cacheDir, dir));
  }
  const cli = ['--import', 'tsx', 'infra/local/src/cli.ts'];

  afterAll(async () => {
    await runNode([...cli, 'down'], env);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('up starts every part once, status sees them, and down leaves no process behind', async () => {
    const first = await runNode([...cli, 'up'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/postgres .* embedded, started/);
    expect(first.stdout).toMatch(/kafka .*127\.0\.0\.1:29092 .* local, started/);
    expect(first.stdout).toMatch(/schema-registry .* local, started/);
    const running = processesMentioning(cacheDir);
    expect(running.length).toBeGreaterThanOrEqual(3); // two JVMs, the embedded Postgres host and its server

    const second = await runNode([...cli, 'up'], env);
    expect(second.code).toBe(0);
    expect(second.stdout.match(/already running/g)).toHaveLength(3);
    expect(processesMentioning(cacheDir).sort()).toEqual(running.sort());

    const status = await runNode([...cli, 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout.match(/ answers /g)).toHaveLength(3);

    const down = await runNode([...cli, 'down'], env);
    expect(down.stdout).toContain('stopped: schema-registry, kafka, postgres');
    expect(processesMentioning(cacheDir)).toEqual([]);

    const after = await runNode([...cli, 'status'], env);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/kafka .* DOWN/);
  });

  it('names the flag or command on bad input', async () => {
    const unknown = await runNode([...cli, 'launch'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "launch"');

    const lines = await runNode([...cli, 'logs', '--lines', 'many'], env);
    expect(lines.code).toBe(2);
    expect(lines.stderr).toContain('--lines must be a positive integer');
  });
});

describe('npm start', () => {
  it('fails within 30 s naming KAFKA_BROKERS when nothing listens there', async () => {
    const result = await runNode(
      ['scripts/bootstrap.mjs', 'start'],
      {
        ...process.env,
        KAFKA_BROKERS: '127.0.0.1:1',
      },
      60_000,
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('KAFKA_BROKERS=127.0.0.1:1');
    expect(result.ms).toBeLessThan(30_000);
  });
});
