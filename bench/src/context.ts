import type { InfraEndpoints } from '@conveyor/infra-local';
import type { PhaseOptions } from './measure/phase.ts';
import type { Progress } from './measure/progress.ts';
import type { PhaseReport } from './scenario.ts';
import type { BenchStack } from './stack/bench-stack.ts';

/** What every scenario gets from the runner. */
export interface BenchContext {
  infra: InfraEndpoints;
  rootDir: string;
  /** Small counts: a smoke run whose figures mean nothing. */
  quick: boolean;
  /** The services as processes, started on first use and shared by the stack scenarios. */
  stack(): Promise<BenchStack>;
  progress(label: string): Progress;
  /** Runs a measured phase: CPU time per process, and CPU profiles with --profile. */
  phase<T>(
    label: string,
    options: PhaseOptions,
    work: () => Promise<T>,
  ): Promise<{ value: T; report: PhaseReport }>;
}

/** A scenario's counts, full and quick. */
export const sized = <T>(ctx: Pick<BenchContext, 'quick'>, full: T, quick: T): T =>
  ctx.quick ? quick : full;
