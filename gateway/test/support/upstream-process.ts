import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURE = 'gateway/test/fixtures/upstream.ts';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A real upstream process (test/fixtures/upstream.ts) on a fixed port, which can die and come back. */
export interface UpstreamProcess {
  name: string;
  port: number;
  url: string;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** Start again on the same port. */
  start(): Promise<void>;
  /** SIGSTOP or SIGCONT: frozen, it still accepts connections (the kernel does) and never answers. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
  /** What it printed, for failure messages. */
  output(): string;
}

export async function startUpstream(name: string, port?: number): Promise<UpstreamProcess> {
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;
  let text = '';
  const upstream: UpstreamProcess = {
    name,
    port: chosen,
    url: `http://127.0.0.1:${chosen}`,
    output: () => text,
    async start() {
      const spawned = spawn(process.execPath, ['--import', 'tsx', FIXTURE, String(chosen), name], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = spawned;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`upstream ${name} did not start on ${chosen} within 20 s:\n${text}`)),
          20_000,
        );
        spawned.stdout?.on('data', (chunk: Buffer) => {
          text += chunk;
          if (text.includes('"event":"listening"')) {
            clearTimeout(timer);
            resolve();
          }
        });
        spawned.stderr?.on('data', (chunk: Buffer) => {
          text += chunk;
        });
        spawned.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`upstream ${name} exited with ${code} before listening:\n${text}`));
        });
      });
    },
    signal(signal) {
      child?.kill(signal);
    },
    async kill() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
  await upstream.start();
  return upstream;
}
