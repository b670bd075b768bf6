import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Measurement, ResultRow, ScenarioName, Target } from './scenario.ts';

/** What one `npm run bench` wrote: bench/results/<timestamp>.json. */
export interface BenchRun {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  profile: boolean;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  scenarios: ScenarioName[];
  rows: ResultRow[];
  failures: { scenario: ScenarioName; error: string }[];
}

export const machine = () => ({
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
});

/** `2024-05-01T10-20-30-123Z`: sorts by time, safe in a file name. */
export const timestamp = (date: Date) => date.toISOString().replace(/[:.]/g, '-');

export function writeRun(dir: string, run: BenchRun): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${timestamp(new Date(run.startedAt))}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 100
    ? Math.round(value).toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

const measurement = (m: Measurement) => `${formatValue(m.value)} ${m.unit}`;
/** Two decimals, three below 0.1 so that a small ratio still shows (0.004×, not 0.00×). */
export const formatRatio = (ratio: number) => `${ratio.toFixed(ratio < 0.1 ? 3 : 2)}×`;

export function formatTarget(target: Target, unit: string): string {
  const bound =
    target.atLeast !== undefined
      ? `≥ ${formatValue(target.atLeast)}`
      : `≤ ${formatValue(target.atMost ?? 0)}`;
  return target.on === 'ratio' ? `ratio ${bound}×` : `${bound} ${unit}`;
}

const metWord = (met: boolean | undefined) => (met === undefined ? '–' : met ? 'met' : 'NOT met');

/** The lines printed when a scenario finishes: figure, baseline, ratio, target, CPU and profile. */
export function formatRow(row: ResultRow): string {
  const lines = [
    `${row.name}: ${measurement(row.figure)}  (${row.figure.what})`,
    `  baseline: ${measurement(row.baseline)}  (${row.baseline.what})`,
    `  ratio: ${formatRatio(row.ratio)}  target: ${row.targets.map((t) => formatTarget(t, row.figure.unit)).join(', ') || '–'} → ${metWord(row.met)}`,
  ];
  for (const note of row.notes ?? []) lines.push(`  ${note}`);
  const cpu = row.phase?.cpu?.filter((c) => c.cpuSeconds >= 0.05);
  if (cpu && cpu.length > 0)
    lines.push(`  cpu (cores busy): ${cpu.map((c) => `${c.group} ${c.cores.toFixed(2)}`).join(', ')}`);
  for (const profile of row.phase?.profiles ?? []) {
    lines.push(`  profile ${profile.process} (${formatValue(profile.busyMs)} ms busy, ${profile.file}):`);
    lines.push(
      `    by package: ${profile.byPackage
        .slice(0, 6)
        .map((p) => `${p.name} ${p.percent}%`)
        .join(', ')}`,
    );
    for (const fn of profile.topFunctions.slice(0, 8))
      lines.push(`    ${fn.percent.toFixed(1).padStart(5)}%  ${fn.name}`);
  }
  return lines.join('\n');
}

/** The results as a markdown table (README's "Last results" is a copy of it). */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['scenario', 'Conveyor', 'baseline (same run)', 'ratio', 'target', 'met'];
  const body = rows.map((row) => [
    row.name,
    measurement(row.figure),
    measurement(row.baseline),
    formatRatio(row.ratio),
    row.targets.map((t) => formatTarget(t, row.figure.unit)).join(', ') || '–',
    metWord(row.met),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
