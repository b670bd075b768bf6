import { type DevStack, SERVICE_NAMES, type ServiceProcess, type StackMember } from '@conveyor/devstack';

/** A process that exited without the harness asking (a crash), and its restart. */
export interface UnexpectedExit {
  /** `<member>#<replica>` */
  process: string;
  /** Milliseconds since the load started when the exit was noticed. */
  atMs: number;
  exitCode: number | null;
  note: string;
}

const MEMBERS: readonly StackMember[] = [...SERVICE_NAMES, 'gateway'];

/** `<member>#<replica>`: how reports and the supervisor name one process. */
export const processName = (member: StackMember, replica: number) => `${member}#${replica}`;

/** Every process of the stack with its name, replicas included. */
export function everyProcess(stack: DevStack): { name: string; process: ServiceProcess }[] {
  return MEMBERS.flatMap((member) =>
    stack.replicasOf(member).map((process, replica) => ({ name: processName(member, replica), process })),
  );
}

/**
 * Watches every process of the stack like a process supervisor would: one that exits while the
 * fault injector did not stop it is recorded (a crash is a finding: the run fails) and restarted,
 * so the run goes on and the invariants are still checked.
 */
export class Supervisor {
  readonly exits: UnexpectedExit[] = [];
  private readonly held = new Set<string>();
  private readonly restarting = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stack: DevStack,
    private readonly startedAt: number,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.check(), 250);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.restarting.values());
  }

  /** The fault injector takes the process over (waits for a restart of ours first). */
  async hold(name: string): Promise<void> {
    await this.restarting.get(name);
    this.held.add(name);
  }

  /** A process found dead by the injector before it stopped it. */
  recordExit(name: string, atMs: number): void {
    this.exits.push({
      process: name,
      atMs,
      exitCode: null,
      note: `${name} was found dead when a fault was about to stop it`,
    });
  }

  release(name: string): void {
    this.held.delete(name);
  }

  private check(): void {
    for (const { name, process } of everyProcess(this.stack)) {
      if (process.running || this.held.has(name) || this.restarting.has(name)) continue;
      const record: UnexpectedExit = {
        process: name,
        atMs: Date.now() - this.startedAt,
        exitCode: null,
        note: '',
      };
      this.exits.push(record);
      const restart = (async () => {
        record.exitCode = await process.stop();
        this.log(`UNEXPECTED EXIT: ${name} exited with code ${record.exitCode}; restarting`);
        process.start();
        try {
          await process.waitReady(120_000);
          record.note = `restarted, ready after ${((Date.now() - this.startedAt - record.atMs) / 1000).toFixed(1)} s`;
        } catch (error) {
          record.note = `RESTART FAILED: ${(error as Error).message}`;
        }
      })().finally(() => this.restarting.delete(name));
      this.restarting.set(name, restart);
    }
  }
}
