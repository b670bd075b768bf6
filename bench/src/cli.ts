/**
 * `npm run bench [-- [--quick] [--profile] [--out DIR] [scenario ...]]`: brings the infra up (reusing
 * what runs), runs the scenarios one after the other, each in its own databases and topics, prints
 * each figure beside its same-run baseline and the ratio, then the table of all, and writes
 * <out>/<timestamp>.json. Stops what it started. Exit 1 when a scenario failed (not when a target
 * is missed: the figures are the output).
 */
import { join } from 'node:path';
import { down, loadInfraConfig, up } from '@conveyor/infra-local';
import { BenchArgsError, parseBenchArgs, USAGE } from './cli-args.ts';
import type { BenchContext } from './context.ts';
import { measurePhase } from './measure/phase.ts';
import { Progress } from './measure/progress.ts';
import { type BenchRun, formatRow, formatTable, machine, timestamp, writeRun } from './report.ts';
import type { ResultRow, ScenarioName } from './scenario.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { BenchStack } from './stack/bench-stack.ts';

const STACK_SCENARIOS: readonly ScenarioName[] = ['saga', 'saga-latency', 'gateway'];

async function main(): Promise<number> {
  let args: ReturnType<typeof parseBenchArgs>;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchArgsError)) throw error;
    console.error(`npm run bench: ${error.message}\n${USAGE}`);
    return 2;
  }
  const config = loadInfraConfig();
  const startedAt = new Date();
  const outDir = args.outDir ?? join(config.rootDir, 'bench', 'results');
  const profileDir = args.profile ? join(outDir, 'profiles', timestamp(startedAt)) : undefined;
  console.log(
    `Conveyor bench${args.quick ? ' (--quick: small counts, the figures mean nothing)' : ''}: ${args.scenarios.join(', ')}`,
  );
  const infra = await up(config);
  if (infra.startedNow.length > 0) console.log(`  started ${infra.startedNow.join(', ')} for this run`);

  let stack: Promise<BenchStack> | undefined;
  const wantsGateway = args.scenarios.includes('gateway');
  const ctx: BenchContext = {
    infra: infra.endpoints,
    rootDir: config.rootDir,
    quick: args.quick,
    stack: () => {
      stack ??= (async () => {
        const progress = new Progress('stack');
        progress.update(
          `starting users, inventory, payments, orders${wantsGateway ? ' and the gateway' : ''}`,
        );
        const started = await BenchStack.start({
          infra: infra.endpoints,
          rootDir: config.rootDir,
          gateway: wantsGateway,
          users: args.quick ? 5 : 50,
          stockPerProduct: 100_000,
          ...(profileDir ? { profileDir } : {}),
        });
        progress.done();
        console.log(`  stack ready (logs in ${started.logDir})`);
        return started;
      })();
      return stack;
    },
    progress: (label) => new Progress(label),
    phase: (label, options, work) =>
      measurePhase({ rootDir: config.rootDir, ...(profileDir ? { profileDir } : {}) }, label, options, work),
  };

  const rows: ResultRow[] = [];
  const failures: BenchRun['failures'] = [];
  try {
    for (const scenario of args.scenarios) {
      console.log(`\n▶ ${scenario}`);
      try {
        const produced = await SCENARIOS[scenario](ctx);
        for (const row of produced) console.log(formatRow(row));
        rows.push(...produced);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        console.error(`✗ ${scenario} failed: ${message}`);
        failures.push({ scenario, error: message });
      }
      // The stack scenarios share one stack; stop it once the last of them has run.
      const later = args.scenarios.slice(args.scenarios.indexOf(scenario) + 1);
      if (stack && STACK_SCENARIOS.includes(scenario) && !later.some((s) => STACK_SCENARIOS.includes(s))) {
        await stopStack(stack);
        stack = undefined;
      }
    }
  } finally {
    if (stack) await stopStack(stack);
    await down(config, infra.startedNow);
  }

  const run: BenchRun = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: args.quick,
    profile: args.profile,
    machine: machine(),
    scenarios: args.scenarios,
    rows,
    failures,
  };
  const file = writeRun(outDir, run);
  console.log(`\n${formatTable(rows)}`);
  if (failures.length > 0) console.log(`\nfailed: ${failures.map((f) => f.scenario).join(', ')}`);
  console.log(`\nresults: ${file}`);
  return failures.length > 0 ? 1 : 0;
}

async function stopStack(stack: Promise<BenchStack>): Promise<void> {
  const started = await stack.catch(() => undefined);
  await started?.stop();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
