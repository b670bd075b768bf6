import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a pid file records of a process this module started. */
export interface ProcessRecord {
  name: string;
  pid: number;
  command: string;
  logFile: string;
  startedAt: string;
}

/** A pid file as `spawnDetached` wrote it; anything else (a file from another version) is stale. */
function isProcessRecord(value: unknown): value is ProcessRecord {
  if (typeof value !== 'object' || value === null) return false;
  const fields: Partial<Record<keyof ProcessRecord, unknown>> = value;
  return (
    typeof fields.name === 'string' &&
    typeof fields.pid === 'number' &&
    typeof fields.command === 'string' &&
    typeof fields.logFile === 'string' &&
    typeof fields.startedAt === 'string'
  );
}

export interface SpawnSpec {
  name: string;
  executable: string;
  args: string[];
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Keeps the pid files of detached processes under `<cache>/run`, so that a later `up` finds what
 * is running and `down` stops exactly what was started, even from another shell.
 */
export class ProcessTable {
  constructor(private readonly runDir: string) {}

  /** Starts a process in its own process group, detached, writing stdout and stderr to its log. */
  spawnDetached(spec: SpawnSpec): ProcessRecord {
    mkdirSync(this.runDir, { recursive: true });
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const out = openSync(spec.logFile, 'a');
    try {
      const child = spawn(spec.executable, spec.args, {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        detached: true,
        stdio: ['ignore', out, out],
      });
      if (child.pid === undefined) throw new Error(`could not spawn ${spec.executable}`);
      child.unref();
      const record: ProcessRecord = {
        name: spec.name,
        pid: child.pid,
        command: commandLine(spec.executable, spec.args),
        logFile: spec.logFile,
        startedAt: new Date().toISOString(),
      };
      writeFileSync(this.pidFile(spec.name), JSON.stringify(record, null, 2));
      return record;
    } finally {
      closeSync(out);
    }
  }

  /** The live process recorded under this name, or undefined (a stale pid file is removed). */
  running(name: string): ProcessRecord | undefined {
    const file = this.pidFile(name);
    if (!existsSync(file)) return undefined;
    const record: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isProcessRecord(record) && isAlive(record.pid)) return record;
    rmSync(file, { force: true });
    return undefined;
  }

  /** SIGTERM to the process group, then SIGKILL after the grace period; removes the pid file. */
  async stop(name: string, graceMs = 15_000): Promise<boolean> {
    const record = this.running(name);
    if (!record) return false;
    signalGroup(record.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(record.pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(record.pid)) {
      signalGroup(record.pid, 'SIGKILL');
      while (isAlive(record.pid)) await sleep(50);
    }
    rmSync(this.pidFile(name), { force: true });
    return true;
  }

  private pidFile(name: string): string {
    return join(this.runDir, `${name}.pid.json`);
  }
}

/** True while the pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0); its state letter in /proc says it is gone.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** The last `lines` lines of a log file, or a note that it has none. */
export async function tailFile(path: string, lines = 20): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n') || '(log is empty)';
  } catch {
    return `(no log at ${path})`;
  }
}

export function commandLine(executable: string, args: string[]): string {
  return [executable, ...args].map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}
