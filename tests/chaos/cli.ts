/**
 * npm run chaos -- [--seed N] [--duration 60s] [--rate 20/s] [--replicas 2] [--faults <kinds>|none]
 *                  [--quiescence 90s] [--keep]
 * Exit 0 when the run passes, 1 when it fails, 2 on a bad flag.
 */
import { parseArgs } from 'node:util';
import { parseReplicas, REPLICAS_VARIABLE } from '@conveyor/devstack';
import { up } from '@conveyor/infra-local';
import { runChaos } from './harness.ts';
import { formatReport } from './report.ts';
import { FAULT_KINDS, type FaultKind } from './schedule.ts';

const usage =
  'usage: npm run chaos -- [--seed N] [--duration 60s] [--rate 20/s] [--replicas 2] [--faults ' +
  `${FAULT_KINDS.join(',')}|none] [--quiescence 90s] [--keep]`;

/** The chaos suite runs two of each service unless told otherwise: one replica down must refuse nothing. */
const DEFAULT_CHAOS_REPLICAS = 2;

export class FlagError extends Error {}

export interface CliOptions {
  seed: number;
  durationMs: number;
  rate: number;
  replicas: number;
  faults: FaultKind[];
  quiescenceMs: number;
  keep: boolean;
}

function duration(flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw);
  if (!m) throw new FlagError(`${flag} must be a duration like 60s, 2m or 500ms; got "${raw}"`);
  const value = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1_000);
  if (value <= 0) throw new FlagError(`${flag} must be positive; got "${raw}"`);
  return value;
}

/** Parses and validates the flags; a bad one throws a FlagError naming it. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        seed: { type: 'string' },
        duration: { type: 'string' },
        rate: { type: 'string' },
        replicas: { type: 'string' },
        faults: { type: 'string' },
        quiescence: { type: 'string' },
        keep: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  const seedRaw = (values.seed as string | undefined) ?? String(Date.now() % 1_000_000);
  if (!/^\d+$/.test(seedRaw) || Number(seedRaw) > 0xffffffff)
    throw new FlagError(`--seed must be an integer from 0 to 4294967295; got "${seedRaw}"`);
  const rateRaw = (values.rate as string | undefined) ?? '20/s';
  const rm = /^(\d+(?:\.\d+)?)(\/s)?$/.exec(rateRaw);
  if (!rm || Number(rm[1]) <= 0 || Number(rm[1]) > 500)
    throw new FlagError(`--rate must be orders per second like 20/s (at most 500); got "${rateRaw}"`);
  const replicasRaw = values.replicas as string | undefined;
  let replicas = DEFAULT_CHAOS_REPLICAS;
  try {
    if (replicasRaw !== undefined) replicas = parseReplicas(replicasRaw, '--replicas');
    else if (env[REPLICAS_VARIABLE]) replicas = parseReplicas(env[REPLICAS_VARIABLE], REPLICAS_VARIABLE);
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  const faultsRaw = (values.faults as string | undefined) ?? FAULT_KINDS.join(',');
  const faults = faultsRaw === 'none' ? [] : faultsRaw.split(',').map((f) => f.trim());
  for (const f of faults)
    if (!(FAULT_KINDS as readonly string[]).includes(f))
      throw new FlagError(`--faults: unknown fault "${f}" (known: ${FAULT_KINDS.join(', ')}, or none)`);
  return {
    seed: Number(seedRaw),
    durationMs: duration('--duration', (values.duration as string | undefined) ?? '60s'),
    rate: Number(rm[1]),
    replicas,
    faults: faults as FaultKind[],
    quiescenceMs: duration('--quiescence', (values.quiescence as string | undefined) ?? '90s'),
    keep: values.keep === true,
  };
}

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(argv, process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const infra = await up();
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const report = await runChaos({
    infra: infra.endpoints,
    seed: options.seed,
    durationMs: options.durationMs,
    rate: options.rate,
    replicas: options.replicas,
    faults: options.faults,
    quiescenceTimeoutMs: options.quiescenceMs,
    keep: options.keep,
    log: (line) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log(formatReport(report));
  return report.pass ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
