/** How many processes of each service a stack runs unless told otherwise. */
export const DEFAULT_REPLICAS = 1;
/** More would not fit a development machine, and replica ports step by 10 (see DevStack). */
export const MAX_REPLICAS = 9;

/** The environment variable `npm start` (and the chaos CLI) read the replica count from. */
export const REPLICAS_VARIABLE = 'CONVEYOR_REPLICAS';

/** A replica count that is not an integer from 1 to MAX_REPLICAS; the message names its source. */
export class ReplicasError extends Error {
  constructor(source: string, raw: unknown) {
    super(`${source} must be an integer from 1 to ${MAX_REPLICAS}; got ${JSON.stringify(raw)}`);
    this.name = 'ReplicasError';
  }
}

/** Whether `value` is a replica count a stack accepts. */
export function isReplicaCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_REPLICAS;
}

/** Parses a replica count given as text; `source` names the flag or variable in the error. */
export function parseReplicas(raw: string, source: string): number {
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!isReplicaCount(value)) throw new ReplicasError(source, raw);
  return value;
}

/**
 * The replica count of a command line: `--replicas N` when given, else CONVEYOR_REPLICAS when set
 * and not empty, else the default. A bad value throws ReplicasError naming the flag or the variable.
 */
export function replicasOf(flag: string | undefined, env: NodeJS.ProcessEnv): number {
  if (flag !== undefined) return parseReplicas(flag, '--replicas');
  const fromEnv = env[REPLICAS_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') return parseReplicas(fromEnv, REPLICAS_VARIABLE);
  return DEFAULT_REPLICAS;
}
