import type { InfraConfig } from './config.ts';
import { InfraError } from './errors.ts';
import { type ProcessTable, tailFile } from './processes.ts';
import { waitUntil } from './wait.ts';

export interface SpawnedPart {
  name: string;
  /** Resolves true once the part serves (a metadata request, a listing, a health check). */
  probe: () => Promise<boolean>;
  /** The command that started it, as the failure shows it (secrets already masked). */
  command: string;
  logFile: string;
}

/**
 * Waits until a part that was just spawned answers. One that exits, or does not answer within the
 * configured time, is stopped and fails with its command and the end of its log.
 */
export async function untilPartAnswers(
  config: InfraConfig,
  table: ProcessTable,
  part: SpawnedPart,
): Promise<void> {
  const ready = await waitUntil(part.probe, {
    timeoutMs: config.startTimeoutMs,
    intervalMs: 500,
    abortReason: () => (table.running(part.name) ? undefined : 'the process exited'),
  });
  if (ready.ok) return;
  await table.stop(part.name, 5_000);
  throw new InfraError('INFRA_START_FAILED', `did not become ready: ${ready.reason}`, {
    part: part.name,
    command: part.command,
    logTail: await tailFile(part.logFile),
  });
}
