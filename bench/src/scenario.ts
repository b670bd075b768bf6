import type { ProcessCpu } from './measure/cpu-usage.ts';
import { perSecond } from './measure/stats.ts';
import type { ProfileSummary } from './profiling/profile-summary.ts';

export const SCENARIO_NAMES = [
  'relay',
  'append',
  'consume',
  'rebuild',
  'saga',
  'saga-latency',
  'gateway',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

/** One number with its unit and what it counts. */
export interface Measurement {
  value: number;
  unit: string;
  /** What was measured, e.g. "OutboxRelay draining 50,000 rows". */
  what: string;
}

/** A bound the issue sets, on the figure itself or on the ratio. */
export interface Target {
  on: 'figure' | 'ratio';
  atLeast?: number;
  atMost?: number;
}

/** A measured phase: its CPU time per process and, with --profile, where that time went. */
export interface PhaseReport {
  elapsedMs: number;
  cpu?: ProcessCpu[];
  profiles?: ProfileSummary[];
}

/** One line of the results table. */
export interface ResultRow {
  /** The scenario, or the scenario and the part of it (`gateway GET`, `saga-latency p99`). */
  name: string;
  scenario: ScenarioName;
  figure: Measurement;
  baseline: Measurement;
  /**
   * How Conveyor compares with the baseline, higher is better: figure ÷ baseline for rates,
   * baseline ÷ figure for latencies. 1 means as fast as the raw client.
   */
  ratio: number;
  targets: Target[];
  /** Every target holds (no targets: undefined). */
  met: boolean | undefined;
  details: Record<string, unknown>;
  /** Lines printed under the row (e.g. where a saga's time went, hop by hop). */
  notes?: string[];
  phase?: PhaseReport;
}

export function targetMet(target: Target, figure: number, ratio: number): boolean {
  const value = target.on === 'figure' ? figure : ratio;
  return (
    (target.atLeast === undefined || value >= target.atLeast) &&
    (target.atMost === undefined || value <= target.atMost)
  );
}

/** Builds a row, working out whether its targets are met. */
export function resultRow(row: Omit<ResultRow, 'met'>): ResultRow {
  const met =
    row.targets.length === 0
      ? undefined
      : row.targets.every((t) => targetMet(t, row.figure.value, row.ratio));
  return { ...row, met };
}

/** Rates: higher is better. */
export const rateRatio = (figure: number, baseline: number) => (baseline > 0 ? figure / baseline : 0);

/** What a rate row says beside its numbers: the figure is `count` things done in `elapsedMs`. */
export interface RateRowInput extends Omit<ResultRow, 'name' | 'met' | 'figure' | 'ratio'> {
  /** @default the scenario */
  name?: string;
  count: number;
  elapsedMs: number;
  figure: Omit<Measurement, 'value'>;
}

/**
 * A row of a scenario measuring a rate: figure per second against the baseline's, in one row,
 * named by the scenario unless `name` says which part of it.
 */
export function rateRow({ count, elapsedMs, figure, ...row }: RateRowInput): ResultRow {
  const value = perSecond(count, elapsedMs);
  return resultRow({
    ...row,
    name: row.name ?? row.scenario,
    figure: { ...figure, value },
    ratio: rateRatio(value, row.baseline.value),
  });
}
/** Latencies: lower is better, so the ratio is baseline ÷ figure. */
export const latencyRatio = (figure: number, baseline: number) => (figure > 0 ? baseline / figure : 0);
