import type { Transaction } from 'kysely';
import type { SagaDatabase } from './db/tables.ts';
import type {
  ErasedData,
  ResendOptions,
  SagaDefinition,
  SagaKey,
  SagaSecrets,
  SagaStepDefinition,
} from './definition.ts';
import type { SagaState } from './saga-state.ts';

/** The message type names of a message map `M` (type → payload, like schemas' MessageTypes). */
export type MessageTypeOf<M> = keyof M & string;

/**
 * What command `C` answers with on success: the payload of the type `<C>.reply` when `M` declares
 * one (an .avsc like every other message), else nothing.
 */
export type ReplyOf<M, C extends string> = `${C}.reply` extends keyof M ? M[`${C}.reply`] : undefined;

/**
 * A finished saga as its definition's hook sees it: a completed one holds what every step added to
 * its data; a compensated or failed one is sure to hold only what it started with, and says why.
 */
export type FinishedSaga<Start, Data> =
  | (SagaState<Data> & { status: 'completed' })
  | (SagaState<Start> & { status: 'compensated' | 'failed'; failureReason: string });

/** A step: its command and compensation by message type, their payloads built from the saga data. */
export interface StepOptions<M, Data, C extends MessageTypeOf<M>, K extends MessageTypeOf<M>, Next> {
  /** The command's message type; its topic comes from `topicOf`. */
  command: C;
  /** The command's payload, from the saga data so far and, for fields in `secretFields`, its secrets. */
  data: (data: Data, secrets: SagaSecrets) => M[C];
  /**
   * Payload fields that carry a secret (a card token): the participant receives them, the saga log
   * stores them as "[redacted]" and the admin API never shows them.
   * @default []
   */
  secretFields?: readonly (keyof M[C] & string)[];
  /**
   * Undoes the step. Must be safe to run when the command had no effect: a step whose outcome is
   * unknown (its deadline passed, or the saga was aborted while it ran) is compensated too.
   * @default none (the step cannot be undone)
   */
  compensation?: { type: K; data: (data: Data, secrets: SagaSecrets) => M[K] };
  /** The saga data after the step's success reply: what it returns is the next steps' data. @default the data as is */
  onReply?: (data: Data, reply: ReplyOf<M, C>) => Next;
  /** Schedule of resends of the command and of its compensation. @default 2 s doubling to 30 s, ±20 % */
  resend?: ResendOptions;
  /** How long the step may go unanswered before it is compensated. @default 600000 (10 min) */
  deadlineMs?: number;
}

export interface DefineSagaOptions<M> {
  /** A positive integer; raise it whenever the steps change (see SagaDefinition). */
  version: number;
  /** The topic of a message type: the topic catalogue's (schemas' `messageTopics(namespace)`). */
  topicOf: (type: MessageTypeOf<M>) => string;
  /** @default 5 */
  maxCompensationAttempts?: number;
  /** Field names redacted in this saga's log besides the steps' `secretFields`. @default [] */
  secretFields?: readonly string[];
}

/**
 * A definition with its types: the data it starts with, its data once every step has replied, and
 * each step's reply by step name (for `sagaSpecification`).
 */
export interface TypedSagaDefinition<Start, Data, Replies> extends SagaDefinition<Start> {
  /** Never set: carries the types of the data and of the replies. */
  typesOf?(data: Data, replies: Replies): void;
}

/**
 * Builds a saga definition step by step. Each step's functions see the data as the steps before it
 * left it, so a field that a step's reply adds is there, typed, for the steps after it.
 */
export class SagaBuilder<M, Start, Data, Replies> {
  constructor(
    private readonly saga: SagaKey<Start>,
    private readonly options: DefineSagaOptions<M>,
    private readonly steps: readonly SagaStepDefinition[],
    private readonly finished?: (state: SagaState<ErasedData>, trx: ErasedData) => Promise<void>,
  ) {}

  step<
    N extends string,
    C extends MessageTypeOf<M>,
    K extends MessageTypeOf<M> = never,
    Next extends Data = Data,
  >(
    name: N,
    step: StepOptions<M, Data, C, K, Next>,
  ): SagaBuilder<M, Start, Next, Replies & { [P in N]: ReplyOf<M, C> }> {
    const { topicOf } = this.options;
    const { compensation } = step;
    const runtime: SagaStepDefinition = {
      name,
      command: {
        topic: topicOf(step.command),
        type: step.command,
        ...(step.secretFields ? { secretFields: step.secretFields } : {}),
      },
      commandData: step.data,
      ...(compensation
        ? {
            compensation: {
              topic: topicOf(compensation.type),
              type: compensation.type,
              data: compensation.data,
            },
          }
        : {}),
      ...(step.onReply ? { onReply: step.onReply } : {}),
      ...(step.resend ? { resend: step.resend } : {}),
      ...(step.deadlineMs === undefined ? {} : { deadlineMs: step.deadlineMs }),
    };
    return new SagaBuilder(this.saga, this.options, [...this.steps, runtime], this.finished);
  }

  /**
   * Runs in the transition's transaction when a saga of this definition completes, is compensated
   * or fails, so that the host's own writes commit with the saga's new status. `trx` is a
   * transaction of the database given to the orchestrator.
   */
  onFinished<DB extends SagaDatabase>(
    hook: (saga: FinishedSaga<Start, Data>, trx: Transaction<DB>) => Promise<void>,
  ): SagaBuilder<M, Start, Data, Replies> {
    // decide gives every compensated or failed saga its failure reason.
    const isFinished = (state: SagaState<ErasedData>): state is FinishedSaga<Start, Data> =>
      state.status === 'completed' ||
      ((state.status === 'compensated' || state.status === 'failed') && state.failureReason !== null);
    return new SagaBuilder(this.saga, this.options, this.steps, async (state, trx) => {
      if (!isFinished(state))
        throw new Error(`saga ${state.id} is ${state.status}, not finished with a reason`);
      await hook(state, trx);
    });
  }

  build(): TypedSagaDefinition<Start, Data, Replies> {
    const { version, maxCompensationAttempts, secretFields } = this.options;
    return {
      type: this.saga.type,
      version,
      steps: [...this.steps],
      ...(maxCompensationAttempts === undefined ? {} : { maxCompensationAttempts }),
      ...(secretFields ? { secretFields } : {}),
      ...(this.finished ? { onFinished: this.finished } : {}),
    };
  }
}

/**
 * Starts a saga definition over the message map `M` (payload by message type, generated from the
 * .avsc files): a step names its command and compensation types, their payloads are `M`'s and its
 * reply is `ReplyOf<M, command>`, so a wrong field does not compile.
 *
 *   defineSaga<MessageTypes, Start>(CREATE_ORDER_SAGA, { version: 1, topicOf })
 *     .step('reserve-inventory', { command: 'inventory.reserve-stock', data: (d) => ..., onReply: (d, r) => ({ ...d, totalCents: r.totalCents }) })
 *     .build()
 */
export function defineSaga<M, Start>(
  saga: SagaKey<Start>,
  options: DefineSagaOptions<M>,
): SagaBuilder<M, Start, Start, Record<never, never>> {
  return new SagaBuilder(saga, options, []);
}
