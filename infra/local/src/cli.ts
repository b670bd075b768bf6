/**
 * npm run infra -- up [--tracing] | down | status | logs [part] [--lines N]
 */
import { parseArgs } from 'node:util';
import { loadInfraConfig } from './config.ts';
import { isInfraError } from './errors.ts';
import { down, endpointEnv, logs, PART_NAMES, status, up } from './infra.ts';
import { redact } from './postgres.ts';

const usage =
  'usage: npm run infra -- up [--tracing] | down | status | logs [kafka|schema-registry|postgres|zipkin] [--lines N]';

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  const [command, part] = parsed.positionals;
  const config = loadInfraConfig();
  switch (command) {
    case 'up': {
      const started = Date.now();
      const result = await up(config, { tracing: parsed.values.tracing === true });
      for (const p of result.parts) {
        const how = p.started ? 'started' : 'already running';
        console.log(`${p.name.padEnd(16)} ${redact(p.address).padEnd(52)} ${p.mode}, ${how}`);
      }
      console.log(`\nready in ${((Date.now() - started) / 1000).toFixed(1)} s; point a process at it with:`);
      for (const [key, value] of Object.entries(endpointEnv(result.endpoints)))
        console.log(`  export ${key}=${value}`);
      return 0;
    }
    case 'down': {
      const stopped = await down(config);
      console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'status': {
      const parts = await status(config);
      for (const p of parts) {
        const pid = p.pid ? `pid ${p.pid}` : 'no local process';
        const state = p.answers ? 'answers' : p.optional ? 'off' : 'DOWN';
        console.log(`${p.name.padEnd(16)} ${p.address.padEnd(52)} ${state.padEnd(8)} ${p.mode}, ${pid}`);
      }
      return parts.every((p) => p.answers || p.optional) ? 0 : 1;
    }
    case 'logs': {
      if (part && !PART_NAMES.some((name) => name === part)) {
        console.error(`unknown part "${part}"; expected one of ${PART_NAMES.join(', ')}`);
        return 2;
      }
      const lines = Number(parsed.values.lines ?? 40);
      if (!Number.isInteger(lines) || lines <= 0) {
        console.error(`--lines must be a positive integer; got "${parsed.values.lines}"`);
        return 2;
      }
      for (const [name, text] of Object.entries(await logs(config, lines))) {
        if (part && name !== part) continue;
        console.log(`==> ${name} <==\n${text}\n`);
      }
      return 0;
    }
    default:
      console.error(command ? `unknown command "${command}"\n${usage}` : usage);
      return 2;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { lines: { type: 'string' }, tracing: { type: 'boolean' } },
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isInfraError(error) ? error.message : error);
    process.exit(1);
  },
);
