import { describe, expect, it } from 'vitest';
import { formatRatio, formatTable, formatTarget } from './report.ts';
import { rateRatio, resultRow } from './scenario.ts';

describe('bench report', () => {
  const row = resultRow({
    name: 'relay',
    scenario: 'relay',
    figure: { value: 11_312.4, unit: 'msg/s', what: 'relay' },
    baseline: { value: 68_420, unit: 'msg/s', what: 'raw' },
    ratio: rateRatio(11_312.4, 68_420),
    targets: [{ on: 'ratio', atLeast: 0.5 }],
    details: {},
  });

  it('works out whether the targets are met', () => {
    expect(row.met).toBe(false);
    expect(resultRow({ ...row, ratio: 0.5 }).met).toBe(true);
    expect(resultRow({ ...row, targets: [] }).met).toBeUndefined();
  });

  it('prints ratios and targets so that small ones still show', () => {
    expect(formatRatio(0.165)).toBe('0.17×');
    expect(formatRatio(0.0038)).toBe('0.004×');
    expect(formatTarget({ on: 'figure', atMost: 40 }, 'ms')).toBe('≤ 40 ms');
    expect(formatTarget({ on: 'ratio', atLeast: 0.3 }, 'msg/s')).toBe('ratio ≥ 0.3×');
  });

  it('tabulates every row as markdown', () => {
    expect(formatTable([row]).split('\n')).toEqual([
      '| scenario | Conveyor     | baseline (same run) | ratio | target       | met     |',
      '| -------- | ------------ | ------------------- | ----- | ------------ | ------- |',
      '| relay    | 11,312 msg/s | 68,420 msg/s        | 0.17× | ratio ≥ 0.5× | NOT met |',
    ]);
  });
});
