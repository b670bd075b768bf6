import { stepTiming } from './resend-schedule.ts';
import type { SagaState } from './saga-state.ts';

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

/**
 * When a command (or compensation) that got no reply is sent again, with the same command id.
 * The n-th resend waits `min(initialDelayMs * 2^(n-1), maxDelayMs)`, spread by `jitter` either way
 * so that sagas stalled by the same outage do not resend in lockstep.
 */
export interface ResendOptions {
  /** Wait after the first send before the first resend. @default 2000 */
  initialDelayMs?: number;
  /** Cap of the doubling wait, before jitter. @default 30000 */
  maxDelayMs?: number;
  /** Fraction of each wait drawn at random either way: 0.2 waits 80 % to 120 % of it. @default 0.2 */
  jitter?: number;
}

/**
 * The data of a saga as the orchestrator runs it: erased, since one orchestrator runs sagas of many
 * data types and reads their data back from JSON. `defineSaga` is where the types are checked.
 */
// biome-ignore lint/suspicious/noExplicitAny: the erased form of the typed step functions (see defineSaga)
export type ErasedData = any;

/**
 * One step of a saga, as the orchestrator runs it (`defineSaga` builds it from typed step options):
 * a command, an optional compensation, a resend schedule and a deadline. A step without a reply is
 * resent until its deadline; only a failure reply (a business refusal) or the deadline compensates it.
 */
export interface SagaStepDefinition {
  /** Matches the step to the persisted saga state: unique within a definition. */
  name: string;
  command: CommandRoute;
  /** Builds the command's payload from the saga data and, for fields in `secretFields`, its secrets. */
  commandData: (data: ErasedData, secrets: SagaSecrets) => unknown;
  /**
   * Undoes the step. Must be safe to run when the command had no effect: a step whose outcome is
   * unknown (its deadline passed, or the saga was aborted while it ran) is compensated too.
   */
  compensation?: CommandRoute & { data: (data: ErasedData, secrets: SagaSecrets) => unknown };
  /** Folds the participant's success reply into the saga data. @default keeps the data as is */
  onReply?: (data: ErasedData, reply: ErasedData) => ErasedData;
  /** Schedule of resends of the command and of its compensation. @default 2 s doubling to 30 s, ±20 % */
  resend?: ResendOptions;
  /**
   * A business time: how long after its first send the step may go unanswered before it counts as
   * failed and is compensated. Faults (a participant down, paused, restarting) only delay a step
   * within it. @default 600000 (10 min)
   */
  deadlineMs?: number;
}

/** A saga type with the data it starts with: what `SagaOrchestrator.start` takes. */
export interface SagaKey<Start = unknown> {
  /** e.g. `create-order` */
  readonly type: string;
  /** Never set: carries the start data's type to `start()`. */
  startData?(data: Start): void;
}

/**
 * One version of a saga type. Sagas start on the newest version the orchestrator knows and finish
 * on the version they started with, so a changed definition gets a new version and the orchestrator
 * keeps the old one while sagas started on it run.
 */
export interface SagaDefinition<Start = unknown> extends SagaKey<Start> {
  /** A positive integer; the newest registered one starts new sagas. */
  version: number;
  steps: SagaStepDefinition[];
  /**
   * Sends of one compensation (each unanswered resend and each retry after a failure reply counts)
   * before the saga waits in `failed` for an operator. @default 5
   */
  maxCompensationAttempts?: number;
  /**
   * More field names redacted wherever they appear in this saga's log and data when read, besides
   * every step's `secretFields`: names that an earlier version of the saga kept in its data, so
   * that rows written before the secret was moved out are not shown either.
   * @default []
   */
  secretFields?: readonly string[];
  /**
   * Runs inside the transition's transaction when a saga of this definition reaches completed,
   * compensated or failed, so the host's own writes (e.g. cancelling an order) commit with the
   * saga's new status. `trx` is the host's database (the one given to the orchestrator).
   * @default none
   */
  onFinished?: (state: SagaState<ErasedData>, trx: ErasedData) => Promise<void>;
}

/** A year: far beyond any business deadline, and far from the dates a Date can hold. */
const MAX_DURATION_MS = 365 * 24 * 3_600_000;

/** Checks a definition once, when it is registered: a mistake here would surface mid-saga. */
export function assertValidDefinition(definition: {
  type: string;
  version: number;
  steps: Pick<SagaStepDefinition, 'name' | 'resend' | 'deadlineMs'>[];
  maxCompensationAttempts?: number;
}): void {
  const problems: string[] = [];
  const positive = (value: number | undefined) =>
    value === undefined || (Number.isInteger(value) && value > 0);
  const duration = (value: number | undefined) => positive(value) && (value ?? 0) <= MAX_DURATION_MS;
  if (!definition.type) problems.push('type is empty');
  if (!positive(definition.version)) problems.push('version must be a positive integer');
  if (definition.steps.length === 0) problems.push('a saga needs at least one step');
  if (!positive(definition.maxCompensationAttempts))
    problems.push('maxCompensationAttempts must be a positive integer');
  const names = new Set<string>();
  for (const step of definition.steps) {
    const problem = (text: string) => problems.push(`step "${step.name}": ${text}`);
    if (names.has(step.name)) problems.push(`step name "${step.name}" is used twice`);
    names.add(step.name);
    const { initialDelayMs, maxDelayMs, jitter } = step.resend ?? {};
    for (const [option, value] of [
      ['deadlineMs', step.deadlineMs],
      ['resend.initialDelayMs', initialDelayMs],
      ['resend.maxDelayMs', maxDelayMs],
    ] as const) {
      if (!duration(value)) problem(`${option} must be a positive integer of milliseconds, a year at most`);
    }
    // Compared with the defaults filled in: a lone initialDelayMs above the default cap is a mistake too.
    const { resend } = stepTiming(step);
    if (resend.maxDelayMs < resend.initialDelayMs)
      problem(
        `resend.maxDelayMs (${resend.maxDelayMs}) must not be below resend.initialDelayMs (${resend.initialDelayMs})`,
      );
    if (jitter !== undefined && !(jitter >= 0 && jitter < 1))
      problem('resend.jitter must be from 0 to below 1');
  }
  if (problems.length > 0)
    throw new Error(`invalid saga definition "${definition.type}": ${problems.join('; ')}`);
}
