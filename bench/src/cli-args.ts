import { parseArgs } from 'node:util';
import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from './scenario.ts';

export interface BenchArgs {
  scenarios: ScenarioName[];
  quick: boolean;
  /** Record CPU profiles of the measured phases. */
  profile: boolean;
  /** Where the results JSON goes. @default 'bench/results' */
  outDir: string | undefined;
}

export const USAGE = `usage: npm run bench [-- [--quick] [--profile] [--out DIR] [scenario ...]]
scenarios: ${SCENARIO_NAMES.join(', ')} (all when none is named)
  --quick    small counts: a smoke run whose figures mean nothing
  --profile  CPU profiles of each measured phase (the bench process and the service processes),
             summarised in the output and the JSON; files in <out>/profiles/<timestamp>/
  --out DIR  where <timestamp>.json goes (default bench/results)`;

export class BenchArgsError extends Error {}

/** Parses the command line; a bad flag or an unknown scenario is a BenchArgsError. Pure. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new BenchArgsError(error instanceof Error ? error.message : String(error));
  }
  const unknown = parsed.positionals.filter((name) => !isScenarioName(name));
  if (unknown.length > 0) throw new BenchArgsError(`unknown scenario ${unknown.join(', ')}`);
  const named = new Set(parsed.positionals.filter(isScenarioName));
  return {
    // Always in the table's order, however they were named.
    scenarios: named.size === 0 ? [...SCENARIO_NAMES] : SCENARIO_NAMES.filter((name) => named.has(name)),
    quick: parsed.values.quick ?? false,
    profile: parsed.values.profile ?? false,
    outDir: parsed.values.out,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      profile: { type: 'boolean' },
      out: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
}
