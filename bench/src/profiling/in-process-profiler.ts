import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { CpuProfile } from './profile-summary.ts';

/** The V8 CPU profiler (what --cpu-prof uses) on this process, for one phase. */
export class InProcessProfiler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.start');
  }

  /** Stops, writes the profile to `file` and returns it. */
  async stop(file: string): Promise<CpuProfile> {
    const { profile } = await this.session.post('Profiler.stop');
    await this.session.post('Profiler.disable');
    this.session.disconnect();
    await writeFile(file, JSON.stringify(profile));
    return profile;
  }
}
