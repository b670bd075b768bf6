import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchRun } from '../src/report.ts';

const rootDir = fileURLToPath(new URL('../..', import.meta.url));
const INFRA_SCENARIOS = ['relay', 'append', 'consume', 'rebuild'] as const;

/** Runs the bench CLI as `npm run bench` does (node --import tsx bench/src/cli.ts). */
function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/src/cli.ts', ...args], {
      cwd: rootDir,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run bench -- --quick', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'conveyor-bench-quick-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs the infra scenarios and prints a figure, a baseline and a ratio for each, and writes the JSON', {
    timeout: 120_000,
  }, async () => {
    const { code, stdout, stderr } = await runBench(['--quick', '--out', outDir, ...INFRA_SCENARIOS]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);

    for (const scenario of INFRA_SCENARIOS) {
      expect(stdout).toMatch(new RegExp(`^${scenario}: [\\d,.]+ \\S+`, 'm'));
      const block = stdout.slice(stdout.search(new RegExp(`^${scenario}: `, 'm')));
      expect(block).toMatch(/^ {2}baseline: [\d,.]+ \S+/m);
      expect(block).toMatch(/^ {2}ratio: \d+\.\d+×/m);
    }
    expect(stdout).toMatch(/\| scenario +\| Conveyor/);

    const files = readdirSync(outDir).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const run = JSON.parse(readFileSync(join(outDir, files[0] as string), 'utf8')) as BenchRun;
    expect(run.quick).toBe(true);
    expect(run.failures).toEqual([]);
    // consume and rebuild measure a batch handler, then a handler per message.
    expect(run.rows.map((r) => r.name)).toEqual([
      'relay',
      'append',
      'consume',
      'consume per message',
      'rebuild',
      'rebuild per message',
    ]);
    for (const row of run.rows) {
      expect(row.figure.value).toBeGreaterThan(0);
      expect(row.baseline.value).toBeGreaterThan(0);
      expect(row.ratio).toBeGreaterThan(0);
    }
  });
});
