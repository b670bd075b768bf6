import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessProfiler } from '../profiling/in-process-profiler.ts';
import { type CpuProfile, type ProfileSummary, summarizeProfile } from '../profiling/profile-summary.ts';
import type { PhaseReport } from '../scenario.ts';
import { CpuUsage } from './cpu-usage.ts';

/** A process of the stack that the preload can profile (see cpu-profile-preload.mjs). */
export interface ProfiledProcess {
  /** Also its BENCH_PROFILE_NAME. */
  name: string;
  pid: number;
}

export interface PhaseSettings {
  rootDir: string;
  /** Where profiles go; none: no profiling (CPU time per process is always reported). */
  profileDir?: string;
}

export interface PhaseOptions {
  /** Profile this process: the Conveyor code under test runs in it. */
  self?: boolean;
  /** Service processes to profile, and to name in the CPU breakdown. */
  processes?: readonly ProfiledProcess[];
}

/** Runs one measured phase: CPU time per process always, CPU profiles with --profile. */
export async function measurePhase<T>(
  settings: PhaseSettings,
  label: string,
  options: PhaseOptions,
  work: () => Promise<T>,
): Promise<{ value: T; report: PhaseReport }> {
  const processes = options.processes ?? [];
  const known = new Map<number, string>([
    [process.pid, 'bench process'],
    ...processes.map((p) => [p.pid, p.name] as const),
  ]);
  const { profileDir } = settings;
  const self = profileDir && options.self ? new InProcessProfiler() : undefined;
  const started = profileDir
    ? processes.map((p) => ({ ...p, before: profileFiles(profileDir, p.name) }))
    : [];
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  await self?.start();
  for (const p of started) process.kill(p.pid, 'SIGUSR2');
  const cpu = new CpuUsage(known);
  const began = Date.now();
  let value: T;
  try {
    value = await work();
  } catch (error) {
    // Stop the profilers all the same, so that the next phase starts them afresh.
    for (const p of started) process.kill(p.pid, 'SIGUSR2');
    if (profileDir) await self?.stop(join(profileDir, `${slugOf(label)}-bench-failed.cpuprofile`));
    throw error;
  }
  const elapsedMs = Date.now() - began;
  const report: PhaseReport = { elapsedMs, cpu: cpu.stop() };
  if (profileDir) {
    for (const p of started) process.kill(p.pid, 'SIGUSR2');
    const profiles: ProfileSummary[] = [];
    if (self) {
      const file = join(profileDir, `${slugOf(label)}-bench.cpuprofile`);
      profiles.push(summarizeProfile(await self.stop(file), 'bench process', file, settings.rootDir));
    }
    for (const p of started) {
      const file = await newProfileFile(profileDir, p.name, p.before);
      if (!file) continue;
      const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
      profiles.push(summarizeProfile(profile, p.name, file, settings.rootDir));
    }
    report.profiles = profiles;
  }
  return { value, report };
}

const slugOf = (label: string) => label.replace(/[^a-z0-9]+/gi, '-');

function profileFiles(dir: string, name: string): number {
  let n = 0;
  while (existsSync(join(dir, `${name}-${n + 1}.cpuprofile`))) n++;
  return n;
}

/** Waits for the process to write its next profile (large profiles take a moment). */
async function newProfileFile(dir: string, name: string, before: number): Promise<string | undefined> {
  const file = join(dir, `${name}-${before + 1}.cpuprofile`);
  for (let waited = 0; waited < 30_000; waited += 200) {
    if (existsSync(file)) return file;
    await sleep(200);
  }
  console.warn(`  ! no profile from ${name} within 30 s (is it still running?)`);
  return undefined;
}
