import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds one group of processes used during a phase, and that as a share of one core. */
export interface ProcessCpu {
  group: string;
  cpuSeconds: number;
  /** cpuSeconds ÷ wall seconds: 1.0 is one core busy all the time (this machine has 2). */
  cores: number;
}

/** Named processes the caller knows (the bench itself, each service process). */
export type KnownProcesses = ReadonlyMap<number, string>;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * Snapshots CPU time per process from /proc and, at `stop()`, reports where the CPU went during
 * the phase: the processes the caller named, Postgres backends, the Kafka broker, the schema
 * registry, and the rest. Postgres serves every test on the machine, so its share includes other
 * users' queries; so does "other". Returns no groups where /proc does not exist.
 */
export class CpuUsage {
  private readonly before: Map<number, number>;
  private readonly began = Date.now();

  constructor(private readonly known: KnownProcesses) {
    this.before = cpuTicks();
  }

  stop(): ProcessCpu[] {
    const wallSeconds = Math.max((Date.now() - this.began) / 1000, 0.001);
    const after = cpuTicks();
    const byGroup = new Map<string, number>();
    for (const [pid, ticks] of after) {
      const used = ticks - (this.before.get(pid) ?? 0);
      if (used <= 0) continue;
      const group = this.known.get(pid) ?? classify(pid);
      byGroup.set(group, (byGroup.get(group) ?? 0) + used);
    }
    return [...byGroup]
      .map(([group, ticks]) => ({
        group,
        cpuSeconds: ticks / TICKS_PER_SECOND,
        cores: ticks / TICKS_PER_SECOND / wallSeconds,
      }))
      .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
  }
}

function cpuTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return ticks;
  }
  for (const pid of pids) {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (Number.isFinite(utime) && Number.isFinite(stime)) ticks.set(Number(pid), utime + stime);
  }
  return ticks;
}

function classify(pid: number): string {
  const comm = read(`/proc/${pid}/comm`)?.trim() ?? '';
  if (comm.startsWith('postgres') || comm.startsWith('postmaster')) return 'postgres';
  if (comm === 'java') {
    const cmdline = read(`/proc/${pid}/cmdline`) ?? '';
    if (/apicurio|quarkus/i.test(cmdline)) return 'schema-registry';
    if (/kafka/i.test(cmdline)) return 'kafka';
    return 'java (other)';
  }
  return 'other';
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
