import { tracingEnabled } from '@conveyor/telemetry';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { AvroCodec } from '../codec/avro-codec.ts';
import {
  backoffDelay,
  compileRetryOptions,
  type RetryOptions,
  sleepUnlessAborted,
} from '../consumer/backoff.ts';
import { GROUP_MEMBERSHIP } from '../consumer/consumer-options.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { describeError } from '../dead-letters/dead-letter-format.ts';
import { invalidOptions } from '../errors.ts';
import { GenerationCheckpoints } from '../internal/generation-checkpoints.ts';
import { type BatchEntry, toBatchEntry } from '../internal/projection-entries.ts';
import { inConsumerSpan } from '../internal/traced-handler.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { IncomingMessage } from '../messages/envelope.ts';
import { generationSchema, type ProjectionDefinition } from './projection.ts';
import { ProjectionDeadLetters, type ProjectionFailure } from './projection-dead-letters.ts';
import type { PoisonMessageOptions } from './projection-options.ts';
import { checkpointKey, ProjectionStore } from './projection-store.ts';

export interface ProjectionRunnerOptions extends PoisonMessageOptions {
  db: Kysely<EventsDatabase>;
  kafka: Kafka;
  codec: AvroCodec;
  // biome-ignore lint/suspicious/noExplicitAny: table types differ per projection
  definition: ProjectionDefinition<any>;
  generation: number;
  /** `served`: the live runner; `building`: a rebuild. It retires when its generation leaves that role. */
  role: 'served' | 'building';
  logger?: Logger;
  /** Prefix of the consumer group (the topic namespace), so environments sharing a Kafka do not share groups. @default '' */
  groupPrefix?: string;
  /** Called after each batch with the number of messages it applied. */
  onApplied?: (count: number) => void;
}

type RunResult =
  | { kind: 'retired' }
  | { kind: 'applied' }
  /**
   * Nothing of the run was written: its message at `index` failed, or (`inBatch`) the batch
   * handler call that began there did, which does not say which of its messages is at fault.
   */
  | { kind: 'failed'; index: number; inBatch: boolean; error: unknown };

/** Rolls a run's transaction back, saying which of its messages failed. Never leaves this module. */
class MessageFailed extends Error {
  constructor(
    readonly index: number,
    readonly failure: unknown,
    readonly inBatch = false,
  ) {
    super('a projection message failed');
  }
}

type Batched = Extract<BatchEntry, { kind: 'apply-batched' }>;

/**
 * Consumes a projection's topics into one generation of its tables. Each batch is applied and its
 * checkpoint (topic, partition, next offset) stored in one transaction, and the runner seeks to
 * its checkpoints when partitions are assigned: Kafka's group offsets (never committed) decide
 * nothing, so a crash can neither skip nor double-apply a message.
 *
 * A message that cannot be decoded, or whose handler keeps failing, does not stall its partition:
 * what came before it commits, it is retried alone with backoff, then sent to `<topic>.dlq` (the
 * consumers' format: `npm run dlq` lists and re-drives it) and the checkpoint moves past it in the
 * transaction that records the dead letter. A re-driven copy applies once, in the generation that
 * dead-lettered its original; every other reader of the topic applied the original and skips it.
 */
export class ProjectionRunner {
  private consumer: Consumer | undefined;
  private watch: NodeJS.Timeout | undefined;
  private retiring = false;
  private readonly abort = new AbortController();
  private resolveRetired!: () => void;
  /** Resolves when the runner stopped: retired (its generation left its role) or told to stop. */
  readonly retired = new Promise<void>((resolve) => {
    this.resolveRetired = resolve;
  });
  private readonly store: ProjectionStore;
  private readonly logger: Logger;
  private readonly retry: Required<RetryOptions>;
  private readonly deadLetters: ProjectionDeadLetters;
  private readonly checkpoints: GenerationCheckpoints;
  /** Messages applied so far. */
  applied = 0;
  /** Messages sent to a dead-letter topic so far. */
  deadLettered = 0;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.store = new ProjectionStore(options.db);
    this.logger = options.logger ?? silentLogger;
    this.retry = compileRetryOptions(options.retry, (problem) =>
      invalidOptions('projection runner', problem),
    );
    this.deadLetters = new ProjectionDeadLetters(options.kafka, options.definition.name, options.generation);
    this.checkpoints = new GenerationCheckpoints(
      this.store,
      options.definition.name,
      options.generation,
      options.role,
    );
  }

  get generation(): number {
    return this.options.generation;
  }

  async start(): Promise<void> {
    const { kafka, definition, generation } = this.options;
    const consumer = kafka.consumer({
      groupId: `${this.options.groupPrefix ? `${this.options.groupPrefix}.` : ''}conveyor-projection.${definition.name}.g${generation}.${this.options.role}`,
      maxWaitTimeInMs: 500,
      ...GROUP_MEMBERSHIP,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      void this.seekToCheckpoints(payload.memberAssignment).catch((err: unknown) =>
        this.logger.error({ err, projection: definition.name }, 'projection seek failed'),
      );
    });
    await consumer.connect();
    await consumer.subscribe({ topics: definition.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.applyBatch(payload),
    });
    // A switch is also noticed when no message arrives: an idle runner must not keep its place.
    this.watch = setInterval(() => void this.checkRole(), 1_000);
    this.watch.unref();
  }

  private async checkRole(): Promise<void> {
    const row = await new ProjectionStore(this.options.db)
      .generations(this.options.definition.name)
      .catch(() => undefined);
    if (!row) return;
    const current = this.options.role === 'served' ? row.served : row.building;
    if (current !== this.options.generation) this.retire();
  }

  async stop(): Promise<void> {
    clearInterval(this.watch);
    // Cuts a backoff short, so the batch in flight returns and the disconnect does not wait it out.
    this.abort.abort();
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    await this.deadLetters.close();
    this.resolveRetired();
  }

  private async seekToCheckpoints(assignment: Record<string, number[]>): Promise<void> {
    const checkpoints = await this.store.checkpoints(this.options.definition.name, this.options.generation);
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const offset = checkpoints.get(checkpointKey(topic, partition));
        if (offset !== undefined) this.consumer?.seek({ topic, partition, offset: offset.toString() });
      }
    }
  }

  private async applyBatch({
    batch,
    heartbeat,
    isRunning,
    isStale,
    resolveOffset,
  }: EachBatchPayload): Promise<void> {
    if (this.retiring || !isRunning() || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    // Decode before the transaction: registry lookups must not hold database locks.
    const entries: BatchEntry[] = [];
    for (const message of batch.messages) {
      entries.push(
        await toBatchEntry(this.options.codec, this.options.definition, topic, partition, message),
      );
    }
    const appliedBefore = this.applied;
    try {
      for (let next = 0; next < entries.length; ) {
        const run = await this.applyUntilFailure(topic, partition, entries.slice(next), heartbeat);
        if (run.kind === 'retired') return this.retire();
        if (run.kind === 'applied') break;
        const entry = entries[next + run.index];
        if (!entry)
          throw new Error(`a run failed at ${run.index}, past the ${entries.length - next} entries it had`);
        const outcome = await this.retryOrDeadLetter(
          { topic, partition, entry, attempts: 1, error: run.error },
          heartbeat,
        );
        if (outcome === 'retired') return this.retire();
        // Stopping during a backoff: what was committed is in the checkpoint, the rest comes again.
        if (outcome === 'abandoned') return;
        next += run.index + 1;
      }
    } finally {
      this.options.onApplied?.(this.applied - appliedBefore);
    }
    // Moves kafkajs' fetch position (nothing is committed: autoCommit is off, the checkpoint rules).
    const last = entries.at(-1);
    if (last) resolveOffset(last.raw.offset);
    await heartbeat();
  }

  /**
   * Applies the run in one transaction. When one of its messages fails, that transaction rolls
   * back and the messages before it are applied again without it (they succeed again, or one of
   * them fails and the run is cut there), so on `failed` everything before the failed message is
   * committed and the checkpoint points at it.
   */
  private async applyUntilFailure(
    topic: string,
    partition: number,
    run: BatchEntry[],
    heartbeat: () => Promise<void>,
  ): Promise<RunResult> {
    let failed: Extract<RunResult, { kind: 'failed' }> | undefined;
    // Batch handlers get their runs whole until one fails; then the same messages again, each
    // alone, so that the failure is pinned to one message.
    let batched = !tracingEnabled();
    for (let end = run.length; ; ) {
      const result = await this.applyRun(topic, partition, run.slice(0, end), heartbeat, batched);
      if (result.kind === 'failed' && result.inBatch) {
        batched = false;
        continue;
      }
      if (result.kind === 'failed') {
        failed = result;
        end = result.index;
        continue;
      }
      return result.kind === 'retired' || !failed ? result : failed;
    }
  }

  /**
   * A message failed its first run: retries it alone with backoff, then dead-letters it. The
   * partition waits meanwhile, which keeps the order of the messages after it.
   */
  private async retryOrDeadLetter(
    failure: ProjectionFailure,
    heartbeat: () => Promise<void>,
  ): Promise<'applied' | 'dead-lettered' | 'retired' | 'abandoned'> {
    const { topic, partition, entry } = failure;
    const attempts = entry.kind === 'undecodable' ? 1 : this.retry.attempts;
    let { error } = failure;
    for (let attempt = 1; ; attempt++) {
      this.logger.warn(
        { ...this.where(failure), attempt, attempts, err: error },
        'projection message failed',
      );
      if (attempt >= attempts) break;
      if (!(await sleepUnlessAborted(backoffDelay(attempt, this.retry), this.abort.signal)))
        return 'abandoned';
      // A long backoff must not cost the partition: the group would hand it to another member.
      await heartbeat();
      const result = await this.applyRun(topic, partition, [entry], heartbeat);
      if (result.kind !== 'failed') return result.kind;
      error = result.error;
    }
    return this.deadLetter({ ...failure, attempts, error });
  }

  /**
   * Sends the dead letter, then records it and moves the checkpoint past it in one transaction.
   * A re-driven copy that fails again is done with its original's dead letter and leaves its own.
   */
  private async deadLetter(failure: ProjectionFailure): Promise<'dead-lettered' | 'retired'> {
    const { topic, partition, entry, attempts, error } = failure;
    await this.deadLetters.send(failure);
    this.deadLettered++;
    this.logger.error({ ...this.where(failure), attempts, err: error }, 'projection message dead-lettered');
    this.options.onDeadLetter?.({
      consumer: this.options.definition.name,
      topic,
      partition,
      offset: entry.raw.offset,
      messageType: entry.type,
      attempts,
      errorCode: describeError(error).code,
    });
    const ours = await this.options.db.transaction().execute(async (trx) => {
      const from = await this.checkpoints.lockIfOurs(trx, topic, partition);
      if (from === null) return false;
      if (entry.offset < from) return true;
      if (entry.redrivenFrom) await this.deadLetters.claim(trx, entry.redrivenFrom);
      await this.deadLetters.record(trx, failure);
      await this.checkpoints.move(trx, topic, partition, from, entry.offset + 1n);
      return true;
    });
    return ours ? 'dead-lettered' : 'retired';
  }

  /**
   * One transaction: the run's messages from the checkpoint on, then the checkpoint past the run.
   * `batched`: consecutive messages of a type with a batch handler go to it in one call.
   */
  private async applyRun(
    topic: string,
    partition: number,
    run: BatchEntry[],
    /** Between handler calls: a run that outlasts the group session without one loses its partitions. */
    heartbeat: () => Promise<void>,
    batched = false,
  ): Promise<RunResult> {
    const last = run.at(-1);
    if (!last) return { kind: 'applied' };
    const { definition, generation } = this.options;
    try {
      const applied = await this.options.db.transaction().execute(async (trx) => {
        const from = await this.checkpoints.lockIfOurs(trx, topic, partition);
        if (from === null) return null;
        const context = { db: trx.withSchema(generationSchema(definition.name, generation)), generation };
        let pending: { at: number; entries: Batched[] } | undefined;
        const flush = async () => {
          if (!pending) return;
          const { at, entries } = pending;
          pending = undefined;
          await handOver(at, entries, true);
        };
        const handOver = async (index: number, entries: BatchEntry[], inBatch: boolean) => {
          const [entry] = entries;
          try {
            if (entry?.kind === 'apply')
              await this.handle(entry.message, () => entry.handler(entry.message, context));
            else if (entry?.kind === 'apply-batched') {
              const messages = entries.flatMap((e) => (e.kind === 'apply-batched' ? [e.message] : []));
              await this.handle(entry.message, () => entry.handler(messages, context));
            }
          } catch (error) {
            throw new MessageFailed(index, error, inBatch && entries.length > 1);
          }
          await heartbeat();
        };
        let count = 0;
        for (const [index, entry] of run.entries()) {
          if (entry.offset < from || entry.kind === 'skip') continue;
          // A re-driven copy of a dead letter that is not this generation's: it applied the original.
          if (entry.redrivenFrom && !(await this.deadLetters.claim(trx, entry.redrivenFrom))) continue;
          count++;
          if (batched && entry.kind === 'apply-batched') {
            if (pending?.entries[0]?.handler !== entry.handler) await flush();
            pending ??= { at: index, entries: [] };
            pending.entries.push(entry);
            continue;
          }
          await flush();
          if (entry.kind === 'undecodable') throw new MessageFailed(index, entry.error);
          await handOver(index, [entry], false);
        }
        await flush();
        await this.checkpoints.move(trx, topic, partition, from, last.offset + 1n);
        return count;
      });
      if (applied === null) return { kind: 'retired' };
      this.applied += applied;
      return { kind: 'applied' };
    } catch (error) {
      if (error instanceof MessageFailed)
        return { kind: 'failed', index: error.index, inBatch: error.inBatch, error: error.failure };
      throw error;
    }
  }

  /** Runs a handler call, inside a span continuing the message's trace when tracing is on. */
  private handle(message: IncomingMessage, work: () => Promise<void>): Promise<void> {
    return tracingEnabled() ? inConsumerSpan(this.options.definition.name, message, work) : work();
  }

  private where({ topic, partition, entry }: ProjectionFailure) {
    return {
      projection: this.options.definition.name,
      generation: this.options.generation,
      topic,
      partition,
      offset: entry.raw.offset,
      messageId: entry.messageId,
      type: entry.type,
    };
  }

  private retire(): void {
    if (this.retiring) return;
    this.retiring = true;
    this.logger.info(
      { projection: this.options.definition.name, generation: this.options.generation },
      'projection generation retired',
    );
    // Not awaited here: disconnecting from inside eachBatch would wait for this very batch.
    setImmediate(() => void this.stop());
  }
}
