import { describe, expect, it } from 'vitest';
import { BenchArgsError, parseBenchArgs } from './cli-args.ts';
import { SCENARIO_NAMES } from './scenario.ts';

describe('bench command line', () => {
  it('runs every scenario when none is named', () => {
    expect(parseBenchArgs([])).toEqual({
      scenarios: [...SCENARIO_NAMES],
      quick: false,
      profile: false,
      outDir: undefined,
    });
  });

  it('runs the named scenarios in the table order, with the flags', () => {
    expect(parseBenchArgs(['saga', '--quick', 'relay', '--profile', '--out', '/tmp/x'])).toEqual({
      scenarios: ['relay', 'saga'],
      quick: true,
      profile: true,
      outDir: '/tmp/x',
    });
  });

  it('refuses an unknown scenario or flag', () => {
    expect(() => parseBenchArgs(['sagas'])).toThrow(new BenchArgsError('unknown scenario sagas'));
    expect(() => parseBenchArgs(['--fast'])).toThrow(BenchArgsError);
  });
});
