import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServiceProcessSpec {
  name: string;
  /** A TypeScript entry run with `node --import tsx`. */
  entry: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Answers 200 when the service can serve. */
  readyUrl: string;
  logFile: string;
}

/** One service as an OS process: start, wait until ready, signal, kill, restart. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exit: Promise<number | null> | undefined;
  /** How many times it was started. */
  starts = 0;

  constructor(readonly spec: ServiceProcessSpec) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) return;
    mkdirSync(dirname(this.spec.logFile), { recursive: true });
    this.log = createWriteStream(this.spec.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['--import', 'tsx', this.spec.entry], {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.child = child;
    this.starts++;
  }

  /** Polls the ready URL; fails early with the log's tail when the process exits. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.spec.name} exited before it was ready; see ${this.spec.logFile}`);
      try {
        const response = await fetch(this.spec.readyUrl, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`${this.spec.name} was not ready within ${timeoutMs / 1000} s; see ${this.spec.logFile}`);
  }

  /** Sends the signal and waits for the exit (SIGKILL after `graceMs`). Returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<number | null> {
    const child = this.child;
    if (!child || !this.running) return child?.exitCode ?? null;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await this.exit;
    clearTimeout(timer);
    this.log?.end();
    return code ?? null;
  }

  kill(): Promise<number | null> {
    return this.stop('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
    await this.waitReady();
  }
}
