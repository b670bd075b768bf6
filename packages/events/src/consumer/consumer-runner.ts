import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { EventsDatabase } from '../db/tables.ts';
import { toDeadLetterMessage } from '../dead-letters/dead-letter-format.ts';
import type { ConsumedRecord } from '../internal/incoming-message.ts';
import { processRecords } from '../internal/process-batch.ts';
import type { ProcessContext } from '../internal/process-message.ts';
import {
  type CompiledConsumerOptions,
  type ConsumerRunnerOptions,
  compileConsumerOptions,
} from './consumer-options.ts';

/**
 * An idempotent Kafka consumer: each message's effect and its inbox row commit in one database
 * transaction, and its offset is committed to Kafka only after that. A crash in between means a
 * redelivery, which the inbox turns into a skip: at least once from Kafka, at most once in effect.
 * The messages a fetch brings for one partition share that transaction, up to `batchSize`, in
 * partition order (see processRecords).
 *
 * A handler that keeps failing is retried with backoff; after the last attempt the message goes to
 * `<topic>.dlq` (acknowledged by all replicas) and the partition moves on. Its id is not recorded
 * in the inbox then, so a re-driven copy is applied when it comes back.
 *
 * Built on kafkajs `eachBatch` rather than `eachMessage` for two reasons: a stop can leave the
 * message it interrupted (during a backoff) unresolved without throwing into kafkajs, and the
 * runner decides which offsets are resolved. kafkajs commits the resolved offsets after every batch
 * and when it stops; a crash therefore redelivers at most the batch in flight.
 */
/** `Types`: the message catalogue its handlers are typed by (see ConsumerRunnerOptions). */
export class ConsumerRunner<DB extends EventsDatabase = EventsDatabase, Types = Record<string, unknown>> {
  private readonly options: CompiledConsumerOptions<DB>;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private abort = new AbortController();
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: ConsumerRunnerOptions<DB, Types>) {
    this.options = compileConsumerOptions(options);
  }

  get name(): string {
    return this.options.name;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get topics(): readonly string[] {
    return this.options.topics;
  }

  /** Connects, joins the group and starts consuming; resolves once the consumer runs. */
  start(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('the consumer runner is stopping'));
    this.starting ??= this.connectAndRun().catch(async (error: unknown) => {
      await this.disconnect();
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /**
   * Finishes the transaction in flight (a handler run is never interrupted; a backoff is), commits
   * the offsets of what was processed, leaves the group and disconnects. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined);
      this.abort.abort();
      await this.disconnect();
      this.options.logger.info(
        { consumer: this.options.name, groupId: this.options.groupId },
        'consumer stopped',
      );
      this.starting = undefined;
      this.stopping = undefined;
    })();
    return this.stopping;
  }

  private async connectAndRun(): Promise<void> {
    const { kafka, groupId, topics, fromBeginning, consumerConfig, partitionsConsumedConcurrently, logger } =
      this.options;
    this.abort = new AbortController();
    const producer = kafka.producer({ idempotent: true });
    const consumer = kafka.consumer({ ...consumerConfig, groupId });
    this.producer = producer;
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      logger.error({ groupId, err: payload.error, restart: payload.restart }, 'kafka consumer crashed'),
    );
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning });
    const context: ProcessContext<DB> = {
      options: this.options,
      signal: this.abort.signal,
      deadLetter: (record, attempts, error) => this.deadLetter(producer, record, attempts, error),
    };
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently,
      eachBatch: (payload) => this.consumeBatch(context, payload),
    });
    logger.info({ consumer: this.options.name, groupId, topics }, 'consumer started');
  }

  private async consumeBatch(context: ProcessContext<DB>, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const records: ConsumedRecord[] = batch.messages.map((message) => ({ topic, partition, message }));
    const control = { resolve: (record: ConsumedRecord) => resolveOffset(record.message.offset), heartbeat };
    for (let start = 0; start < records.length; start += this.options.batchSize) {
      // Stop between transactions, never inside one; kafkajs commits what was resolved once we return.
      if (!isRunning() || isStale()) return;
      const chunk = records.slice(start, start + this.options.batchSize);
      if (!(await processRecords(context, chunk, control))) return;
      await heartbeat();
    }
  }

  private async deadLetter(producer: Producer, record: ConsumedRecord, attempts: number, error: unknown) {
    const { topic, message } = toDeadLetterMessage({
      ...record,
      consumer: this.options.name,
      attempts,
      error,
      failedAt: new Date(),
    });
    await producer.send({ topic, acks: -1, messages: [message] });
  }

  private async disconnect(): Promise<void> {
    // kafkajs' disconnect stops fetching, waits for the batch in flight to return, commits its
    // resolved offsets and leaves the group, so the partitions move to another member at once.
    await this.consumer?.disconnect().catch((err: unknown) => {
      this.options.logger.warn({ groupId: this.options.groupId, err }, 'kafka consumer disconnect failed');
    });
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
  }
}

/** A consumer runner, not started yet: call `start()`, and `stop()` on shutdown (e.g. SIGTERM). */
export function createConsumerRunner<DB extends EventsDatabase, Types = Record<string, unknown>>(
  options: ConsumerRunnerOptions<DB, Types>,
): ConsumerRunner<DB, Types> {
  return new ConsumerRunner(options);
}
