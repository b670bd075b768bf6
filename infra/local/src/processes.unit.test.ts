import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, ProcessTable, tailFile } from './processes.ts';

describe('ProcessTable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-proc-'));
  const table = new ProcessTable(join(dir, 'run'));
  afterEach(async () => {
    await table.stop('sleeper', 1_000);
    await table.stop('stubborn', 1_000);
  });

  it('records a detached process, finds it running, and stops it with SIGTERM', async () => {
    const record = table.spawnDetached({
      name: 'sleeper',
      executable: 'sleep',
      args: ['30'],
      cwd: dir,
      logFile: join(dir, 'logs', 'sleeper.log'),
    });
    expect(table.running('sleeper')?.pid).toBe(record.pid);

    expect(await table.stop('sleeper')).toBe(true);

    expect(isAlive(record.pid)).toBe(false);
    expect(table.running('sleeper')).toBeUndefined();
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    const record = table.spawnDetached({
      name: 'stubborn',
      executable: 'bash',
      args: ['-c', "trap '' TERM; echo ignoring TERM; while true; do sleep 0.1; done"],
      cwd: dir,
      logFile: join(dir, 'logs', 'stubborn.log'),
    });
    await new Promise((r) => setTimeout(r, 200));

    expect(await table.stop('stubborn', 500)).toBe(true);

    expect(isAlive(record.pid)).toBe(false);
    expect(await tailFile(join(dir, 'logs', 'stubborn.log'))).toContain('ignoring TERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('says nothing was stopped when nothing runs under the name', async () => {
    expect(await table.stop('never-started')).toBe(false);
  });
});
