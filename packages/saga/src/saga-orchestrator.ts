import { randomUUID } from 'node:crypto';
import {
  ConsumerRunner,
  enqueueMessages,
  type IncomingMessage,
  type Logger,
  type OutgoingMessage,
  silentLogger,
} from '@conveyor/events';
import { inSpan, tracingEnabled } from '@conveyor/telemetry';
import type { Transaction } from 'kysely';
import { type SagaDatabase, sagaTransaction } from './db/tables.ts';
import { type DecideContext, decide, type SagaCommand, type SagaInput, startSaga } from './decide.ts';
import { assertValidDefinition, type SagaDefinition, type SagaKey } from './definition.ts';
import { sagaActionNotAllowed, sagaNotFound, sagaUnknownType, sagaUnknownVersion } from './errors.ts';
import { ReplyTimeEstimator } from './internal/reply-time.ts';
import { DEFAULT_REPLIES_TOPIC, SAGA_REPLY_TYPE, SagaHeaders } from './saga-headers.ts';
import { reportTransition } from './saga-metrics.ts';
import type {
  SagaAction,
  SagaActionOptions,
  SagaOrchestratorOptions,
  StartSagaOptions,
} from './saga-orchestrator-options.ts';
import { readSagaReply, replyTypeOf } from './saga-replies.ts';
import { stepSpanName, transitionSpanName } from './saga-spans.ts';
import { type SagaReply, type SagaState, type SagaStatus, TERMINAL_STATUSES } from './saga-state.ts';
import { type LockedSaga, SagaStore } from './saga-store.ts';
import { secretFieldNames } from './secrets.ts';

/**
 * The longest a resend waits for the expected reply time (internal/reply-time.ts): past two
 * minutes, waiting longer saves little and a lost command would sit unresent for long.
 */
const REPLY_TIME_BOUND_MS = 120_000;

export class SagaOrchestrator {
  readonly store = new SagaStore();
  /** Versions by type, newest first. */
  private readonly definitions = new Map<string, SagaDefinition[]>();
  /** Every field any definition marks secret: what the admin API redacts, also in old log rows. */
  readonly secretFields: ReadonlySet<string>;
  private readonly repliesTopic: string;
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly random: () => number;
  private readonly logger: Logger;
  private runner: ConsumerRunner<SagaDatabase> | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly replyTimes = new ReplyTimeEstimator(REPLY_TIME_BOUND_MS);

  constructor(private readonly options: SagaOrchestratorOptions) {
    for (const definition of options.definitions) {
      assertValidDefinition(definition);
      const versions = this.definitions.get(definition.type) ?? [];
      if (versions.some((known) => known.version === definition.version))
        throw new Error(`saga "${definition.type}" version ${definition.version} is registered twice`);
      versions.push(definition);
      versions.sort((a, b) => b.version - a.version);
      this.definitions.set(definition.type, versions);
    }
    this.secretFields = new Set(
      options.definitions.flatMap((definition) => [...secretFieldNames(definition)]),
    );
    this.repliesTopic = options.repliesTopic ?? DEFAULT_REPLIES_TOPIC;
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
  }

  get types(): string[] {
    return [...this.definitions.keys()];
  }

  /** The consumer group its replies are read with (the consumer runner's default when unset). */
  get groupId(): string {
    return this.options.groupId || this.options.name || 'saga-orchestrator';
  }

  /** The topics its consumer reads: the replies. */
  get topics(): readonly string[] {
    return [this.repliesTopic];
  }

  /**
   * Starts a saga on the newest version of its type: its instance, its first log rows and its first
   * command commit in one transaction (the caller's, when given, so a service can write its own rows
   * with it).
   */
  async start<Data, DB extends SagaDatabase = SagaDatabase>(
    saga: SagaKey<Data> | string,
    data: Data,
    options: StartSagaOptions = {},
    hostTrx?: Transaction<DB>,
  ): Promise<{ sagaId: string; correlationId: string }> {
    const type = typeof saga === 'string' ? saga : saga.type;
    const trx = hostTrx && sagaTransaction(hostTrx);
    const definition = this.newest(type);
    const sagaId = options.sagaId ?? this.newId();
    const correlationId = options.correlationId ?? sagaId;
    const ctx = this.context();
    const secrets = options.secrets ?? {};
    const transition = startSaga(definition, { id: sagaId, data, correlationId, secrets }, ctx);
    const write = async (t: Transaction<SagaDatabase>) => {
      await this.store.insert(t, transition.state, transition.log, secrets, ctx.now);
      await this.enqueue(t, transition.state, transition.commands);
    };
    const traced = (t: Transaction<SagaDatabase>) =>
      inSpan(`saga ${type} start`, { attributes: { 'saga.id': sagaId, 'saga.type': type } }, () => write(t));
    const run = tracingEnabled() ? traced : write;
    if (trx) await run(trx);
    else await this.options.db.transaction().execute(run);
    this.options.metrics?.onStatusChange?.({ type, from: null, to: 'running' });
    if (!trx) await this.options.hooks?.afterStart?.(sagaId);
    return { sagaId, correlationId };
  }

  /** Consumes replies and sweeps due steps until stop(). */
  async run(): Promise<void> {
    this.stopped = false;
    this.runner = new ConsumerRunner<SagaDatabase>({
      kafka: this.options.kafka,
      db: this.options.db,
      codec: this.options.codec,
      name: this.options.name ?? 'saga-orchestrator',
      groupId: this.groupId,
      topics: [this.repliesTopic],
      handlers: Object.fromEntries(
        this.replyTypes().map((type) => [type, (message, trx) => this.onReply(message, trx)]),
      ),
      ...(this.options.consumerConfig ? { consumerConfig: this.options.consumerConfig } : {}),
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      logger: this.logger,
    });
    await this.runner.start();
    this.scheduleSweep();
  }

  /** Stops sweeping, finishes the reply in flight and disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    await this.sweeping;
    await this.runner?.stop();
    this.runner = undefined;
  }

  /**
   * An operator action: `retry` sends what the saga awaits now, `abort` compensates now, and
   * `replay-compensations` restarts the compensations of a failed saga. Throws SAGA_NOT_FOUND (404)
   * or SAGA_ACTION_NOT_ALLOWED (409, with the reason: the saga's status, or a compensation out of
   * attempts for a retry without `force`).
   */
  async act(sagaId: string, action: SagaAction, options: SagaActionOptions = {}): Promise<SagaState> {
    const input: SagaInput =
      action === 'retry'
        ? { kind: 'retry', force: options.force === true }
        : action === 'abort'
          ? { kind: 'abort', reason: options.reason ?? 'aborted by an operator' }
          : { kind: 'replay-compensations' };
    return this.options.db.transaction().execute(async (trx) => {
      const outcome = await this.apply(trx, sagaId, input);
      if (outcome.kind === 'not-found') throw sagaNotFound(sagaId);
      if (outcome.kind === 'refused')
        throw sagaActionNotAllowed(sagaId, action, outcome.status, outcome.reason);
      return outcome.state;
    });
  }

  /**
   * One pass of the sweeper: handles every due saga, one transaction each (so one slow saga holds
   * no other's lock). Other orchestrators on the database skip the row it holds. Returns how many.
   */
  async sweepOnce(limit = 100): Promise<number> {
    let handled = 0;
    while (handled < limit && !this.stopped) {
      const found = await this.options.db.transaction().execute(async (trx) => {
        const [saga] = await this.store.lockDue(trx, this.clock(), 1);
        if (!saga) return false;
        // Resending what the relay has not sent yet only piles rows behind it (half of all sends
        // under load, and a compensation's attempts used up while the broker was down).
        const stillQueued = await this.store.awaitedSendQueued(trx, saga.state);
        await this.apply(trx, saga.state.id, { kind: 'due', stillQueued });
        return true;
      });
      if (!found) break;
      handled++;
    }
    return handled;
  }

  countByStatus(): Promise<Record<SagaStatus, number>> {
    return this.store.countByStatus(this.options.db);
  }

  private scheduleSweep(): void {
    if (this.stopped) return;
    this.sweepTimer = setTimeout(() => {
      this.sweeping = this.sweepOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.error({ err }, 'saga sweep failed'))
        .finally(() => this.scheduleSweep());
    }, this.options.sweepIntervalMs ?? 500);
  }

  /** Applies a reply outside the replies topic (tools, tests); replies from Kafka arrive through run(). */
  async receiveReply(reply: SagaReply): Promise<void> {
    await this.options.db.transaction().execute(async (trx) => {
      const outcome = await this.apply(trx, reply.sagaId, { kind: 'reply', reply });
      if (outcome.kind === 'not-found') throw sagaNotFound(reply.sagaId);
    });
  }

  /** saga.reply, and the reply type of every command and compensation that has one in the catalogue. */
  private replyTypes(): string[] {
    const types = new Set([SAGA_REPLY_TYPE]);
    for (const definition of [...this.definitions.values()].flat()) {
      for (const step of definition.steps) {
        for (const route of [step.command, step.compensation]) {
          if (route && this.options.codec.catalog.has(replyTypeOf(route.type)))
            types.add(replyTypeOf(route.type));
        }
      }
    }
    return [...types];
  }

  private async onReply(message: IncomingMessage, trx: Transaction<SagaDatabase>): Promise<void> {
    const reply = readSagaReply(message);
    if (!reply) {
      this.logger.warn(
        { messageId: message.messageId, type: message.type },
        'reply without saga headers ignored',
      );
      return;
    }
    const outcome = await this.apply(trx, reply.sagaId, { kind: 'reply', reply }, message);
    if (outcome.kind === 'not-found') {
      this.logger.warn(
        { sagaId: reply.sagaId, commandId: reply.commandId },
        'reply for an unknown saga ignored',
      );
    }
  }

  private async apply(
    trx: Transaction<SagaDatabase>,
    sagaId: string,
    input: SagaInput,
    cause?: IncomingMessage,
  ): Promise<
    | { kind: 'not-found' }
    | { kind: 'refused'; status: SagaStatus; reason: string }
    | { kind: 'ignored' | 'applied'; state: SagaState }
  > {
    const saga = await this.store.loadForUpdate(trx, sagaId);
    if (!saga) return { kind: 'not-found' };
    if (!tracingEnabled()) return this.transition(trx, saga, input, cause);
    const attributes = { 'saga.id': sagaId, 'saga.type': saga.state.type, 'saga.status': saga.state.status };
    return inSpan(transitionSpanName(saga.state, input), { attributes }, () =>
      this.transition(trx, saga, input, cause),
    );
  }

  private async transition(
    trx: Transaction<SagaDatabase>,
    saga: LockedSaga,
    input: SagaInput,
    cause?: IncomingMessage,
  ): Promise<
    | { kind: 'refused'; status: SagaStatus; reason: string }
    | { kind: 'ignored' | 'applied'; state: SagaState }
  > {
    const sagaId = saga.state.id;
    const definition = this.definition(saga.state.type, saga.state.definitionVersion);
    const ctx = this.context();
    const decision = decide(definition, saga.state, input, ctx, saga.secrets);
    if (decision.kind === 'refused')
      return { kind: 'refused', status: saga.state.status, reason: decision.reason };
    if (decision.kind === 'ignored') {
      if (input.kind === 'reply') {
        const { reply } = input;
        // Kept in the log so an operator sees late and duplicated replies, but nothing moves.
        await this.store.appendOnly(trx, sagaId, [
          {
            step: reply.step,
            action: 'ignored',
            status: reply.outcome,
            commandId: reply.commandId,
            payload: null,
            error: decision.reason,
          },
        ]);
      }
      return { kind: 'ignored', state: saga.state };
    }
    const { transition } = decision;
    const finished = ['completed', 'compensated', 'failed'].includes(transition.state.status);
    const changed = transition.state.status !== saga.state.status;
    // A failed saga keeps its secrets: replaying its compensations may need them.
    const forgetSecrets = changed && TERMINAL_STATUSES.includes(transition.state.status);
    await this.store.update(trx, saga, transition.state, transition.log, ctx.now, { forgetSecrets });
    await this.enqueue(trx, transition.state, transition.commands, cause);
    if (finished && changed) await definition.onFinished?.(transition.state, trx);
    await this.options.hooks?.beforeCommit?.(sagaId, input, transition);
    this.observeReplyTime(saga.state, input, ctx.now);
    if (this.options.metrics)
      reportTransition(this.options.metrics, saga.state, transition.state, input, ctx.now);
    return { kind: 'applied', state: transition.state };
  }

  /** A command's reply: how long after its first send it came (what later resends wait at least). */
  private observeReplyTime(before: SagaState, input: SagaInput, now: Date): void {
    if (input.kind !== 'reply' || before.status !== 'running') return;
    const step = before.steps[before.currentStep];
    if (step?.name === input.reply.step && step.startedAt)
      this.replyTimes.observe(step.name, now.getTime() - Date.parse(step.startedAt));
  }

  private async enqueue(
    trx: Transaction<SagaDatabase>,
    state: SagaState,
    commands: SagaCommand[],
    cause?: IncomingMessage,
  ): Promise<void> {
    const messages: OutgoingMessage[] = commands.map((command) => ({
      topic: command.topic,
      key: state.id,
      type: command.type,
      data: command.data,
      messageId: command.commandId,
      correlationId: state.correlationId,
      ...(cause ? { causationId: cause.messageId } : {}),
      ...(cause?.traceparent ? { traceparent: cause.traceparent } : {}),
      headers: {
        [SagaHeaders.sagaId]: state.id,
        [SagaHeaders.sagaType]: state.type,
        [SagaHeaders.step]: command.step,
        [SagaHeaders.action]: command.action,
      },
    }));
    if (!tracingEnabled()) {
      await enqueueMessages(trx, this.options.codec.catalog, messages);
      return;
    }
    // One span per step sent: the participant's handling of the command continues from it.
    for (const [index, command] of commands.entries()) {
      const attributes = { 'saga.id': state.id, 'saga.step': command.step, 'saga.attempt': command.attempt };
      await inSpan(stepSpanName(state.type, command), { attributes }, () =>
        enqueueMessages(trx, this.options.codec.catalog, messages.slice(index, index + 1)),
      );
    }
  }

  private newest(type: string): SagaDefinition {
    const [newest] = this.definitions.get(type) ?? [];
    if (!newest) throw sagaUnknownType(type, this.types);
    return newest;
  }

  private definition(type: string, version: number): SagaDefinition {
    const versions = this.definitions.get(type);
    if (!versions) throw sagaUnknownType(type, this.types);
    const definition = versions.find((known) => known.version === version);
    if (!definition)
      throw sagaUnknownVersion(
        type,
        version,
        versions.map((known) => known.version),
      );
    return definition;
  }

  private context(): DecideContext {
    return {
      now: this.clock(),
      newId: this.newId,
      random: this.random,
      expectedReplyMs: (step) => this.replyTimes.expectedMs(step),
    };
  }
}
