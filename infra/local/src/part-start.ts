import { join } from 'node:path';
import type { InfraConfig } from './config.ts';
import { InfraError } from './errors.ts';
import type { PartStatus, StartedPart } from './part.ts';
import { type ProcessTable, tailFile } from './processes.ts';
import { waitUntil } from './wait.ts';

/** What `up` starts as a detached process of its own. */
export interface PartLaunch {
  name: string;
  executable: string;
  args: string[];
  /** Where the part answers once it serves, as `up` prints it. */
  address: string;
  /** Resolves true once the part serves (a metadata request, a listing, a health check). */
  probe: () => Promise<boolean>;
  /** @default 'local' */
  mode?: string;
  /** @default config.cacheDir */
  cwd?: string;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The command line as a failure shows it: masks the secrets it holds. @default as it is */
  masked?: (command: string) => string;
}

/** Where a part started by `up` writes its stdout and stderr. */
export function partLogFile(config: InfraConfig, name: string): string {
  return join(config.cacheDir, 'logs', `${name}.log`);
}

/**
 * Starts a part detached and waits until it answers. One that exits, or does not answer within the
 * configured time, is stopped and fails with its command and the end of its log.
 */
export async function startPart(
  config: InfraConfig,
  table: ProcessTable,
  launch: PartLaunch,
): Promise<StartedPart> {
  const { name } = launch;
  const logFile = partLogFile(config, name);
  const record = table.spawnDetached({
    name,
    executable: launch.executable,
    args: launch.args,
    cwd: launch.cwd ?? config.cacheDir,
    logFile,
    env: launch.env,
  });
  const ready = await waitUntil(launch.probe, {
    timeoutMs: config.startTimeoutMs,
    intervalMs: 500,
    abortReason: () => (table.running(name) ? undefined : 'the process exited'),
  });
  if (!ready.ok) {
    await table.stop(name, 5_000);
    throw new InfraError('INFRA_START_FAILED', `did not become ready: ${ready.reason}`, {
      part: name,
      command: launch.masked ? launch.masked(record.command) : record.command,
      logTail: await tailFile(logFile),
    });
  }
  const mode = launch.mode ?? 'local';
  return { name, address: launch.address, mode, started: true, pid: record.pid, logFile };
}

/** A part `up` either takes from a variable or starts itself, as `status` shows it. */
export interface PartStatusSpec {
  name: string;
  address: string;
  /** The variable that names an external part, when it is set (`KAFKA_BROKERS`). */
  externalFrom: string | undefined;
  answers: () => Promise<boolean>;
  /** @default 'local' */
  localMode?: string;
  optional?: true;
}

export async function partStatus(
  config: InfraConfig,
  table: ProcessTable,
  spec: PartStatusSpec,
): Promise<PartStatus> {
  const { name, externalFrom } = spec;
  return {
    name,
    mode: externalFrom ? `external (${externalFrom})` : (spec.localMode ?? 'local'),
    address: spec.address,
    pid: table.running(name)?.pid,
    answers: await spec.answers(),
    logFile: externalFrom ? undefined : partLogFile(config, name),
    ...(spec.optional && { optional: spec.optional }),
  };
}
