import type { HostileCase } from './hostile-cases.ts';

export interface Outcome {
  case: HostileCase;
  status: number;
}

/** `400×3, 404×1`: how often each status came. */
function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(', ');
}

/** The table the suite prints: category, cases, expected, got. */
export function securityReport(outcomes: Outcome[]): string {
  const categories = [...new Set(outcomes.map((o) => o.case.category))];
  const rows = categories.map((category) => {
    const of = outcomes.filter((o) => o.case.category === category);
    const expected = [...new Set(of.flatMap((o) => o.case.expect))].sort().join('/');
    const wrong = of.filter((o) => !o.case.expect.includes(o.status)).length;
    return [
      category,
      String(of.length),
      expected,
      tally(of.map((o) => o.status)),
      wrong === 0 ? 'ok' : `${wrong} WRONG`,
    ];
  });
  const header = ['category', 'cases', 'expected', 'got', ''];
  const all = [header, ...rows, ['total', String(outcomes.length), '', '', '']];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
