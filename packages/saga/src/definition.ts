/** Where a command goes: its topic and its message type (an .avsc messageType). */
export interface CommandRoute {
  topic: string;
  type: string;
  /**
   * Payload fields that carry a secret (a card token, a credential): the participant receives them,
   * the saga log stores them as "[redacted]" and the admin API never shows them.
   * @default []
   */
  secretFields?: readonly string[];
}

/**
 * A saga's secrets by name, given when it starts. Kept apart from its data (in `saga_secrets`,
 * which admin queries never read) and deleted when the saga completes or is compensated.
 */
export type SagaSecrets = Readonly<Record<string, string>>;

/** One step of a saga: a command, an optional compensation, a timeout and a retry policy. */
export interface SagaStepDefinition<Data = unknown> {
  name: string;
  command: CommandRoute;
  /** Builds the command's payload from the saga data and, for fields in `secretFields`, its secrets. */
  commandData: (data: Data, secrets: SagaSecrets) => unknown;
  /**
   * Undoes the step. Must be safe to run when the command had no effect: a step whose outcome is
   * unknown (it timed out, or the saga was aborted while it ran) is compensated too.
   */
  compensation?: CommandRoute & { data: (data: Data, secrets: SagaSecrets) => unknown };
  /** Folds the participant's success data into the saga data. @default keeps the data as is */
  onSuccess?: (data: Data, reply: unknown) => Data;
  /** How long to wait for a reply before resending the command (same command id). */
  timeoutMs: number;
  /** Sends of the command in all, before the step counts as failed. @default 3 */
  maxAttempts?: number;
}

export interface SagaDefinition<Data = unknown> {
  /** e.g. `create-order` */
  type: string;
  steps: SagaStepDefinition<Data>[];
  /** Sends of one compensation (after failures or timeouts) before the saga waits in `failed`. @default 5 */
  maxCompensationAttempts?: number;
  /** Timeout of a compensation command. @default the step's timeoutMs */
  compensationTimeoutMs?: number;
  /**
   * More field names redacted wherever they appear in this saga's log and data when read, besides
   * every step's `secretFields`: names that an earlier version of the saga kept in its data, so
   * that rows written before the secret was moved out are not shown either.
   * @default []
   */
  secretFields?: readonly string[];
}

/** Checks a definition once, when it is registered: a mistake here would surface mid-saga. */
export function assertValidDefinition(definition: {
  type: string;
  steps: Pick<SagaStepDefinition<unknown>, 'name' | 'timeoutMs' | 'maxAttempts'>[];
}): void {
  const problems: string[] = [];
  if (!definition.type) problems.push('type is empty');
  if (definition.steps.length === 0) problems.push('a saga needs at least one step');
  const names = new Set<string>();
  for (const step of definition.steps) {
    if (names.has(step.name)) problems.push(`step name "${step.name}" is used twice`);
    names.add(step.name);
    if (!(step.timeoutMs > 0)) problems.push(`step "${step.name}": timeoutMs must be positive`);
    if (step.maxAttempts !== undefined && !(step.maxAttempts >= 1))
      problems.push(`step "${step.name}": maxAttempts must be at least 1`);
  }
  if (problems.length > 0)
    throw new Error(`invalid saga definition "${definition.type}": ${problems.join('; ')}`);
}
