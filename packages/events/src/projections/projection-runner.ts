import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { AvroCodec } from '../codec/avro-codec.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { IncomingMessage } from '../messages/envelope.ts';
import { Headers, readHeaders } from '../messages/headers.ts';
import { generationSchema, type ProjectionDefinition } from './projection.ts';
import { checkpointKey, ProjectionStore } from './projection-store.ts';

export interface ProjectionRunnerOptions {
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
  /** Called after each applied batch with the number of messages it held. */
  onApplied?: (count: number) => void;
}

/**
 * Consumes a projection's topics into one generation of its tables. Each batch is applied and its
 * checkpoint (topic, partition, next offset) stored in one transaction, and the runner seeks to
 * its checkpoints when partitions are assigned: Kafka's group offsets (never committed) decide
 * nothing, so a crash can neither skip nor double-apply a message.
 */
export class ProjectionRunner {
  private consumer: Consumer | undefined;
  private watch: NodeJS.Timeout | undefined;
  private retiring = false;
  private resolveRetired!: () => void;
  /** Resolves when the runner stopped: retired (its generation left its role) or told to stop. */
  readonly retired = new Promise<void>((resolve) => {
    this.resolveRetired = resolve;
  });
  private readonly store: ProjectionStore;
  private readonly logger: Logger;
  applied = 0;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.store = new ProjectionStore(options.db);
    this.logger = options.logger ?? silentLogger;
  }

  get generation(): number {
    return this.options.generation;
  }

  async start(): Promise<void> {
    const { kafka, definition, generation } = this.options;
    const consumer = kafka.consumer({
      groupId: `${this.options.groupPrefix ? `${this.options.groupPrefix}.` : ''}conveyor-projection.${definition.name}.g${generation}.${this.options.role}`,
      maxWaitTimeInMs: 500,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
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
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
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
    const { definition, generation, role, codec } = this.options;
    // Decode before the transaction: registry lookups must not hold database locks.
    const decoded: { offset: bigint; message: IncomingMessage | null }[] = [];
    for (const message of batch.messages) {
      decoded.push({
        offset: BigInt(message.offset),
        message: await this.decode(batch.topic, batch.partition, message),
      });
    }
    const last = decoded[decoded.length - 1] as { offset: bigint };
    let count = 0;
    const stillOurs = await this.options.db.transaction().execute(async (trx) => {
      // FOR SHARE: a switch (FOR UPDATE) waits for this batch, and this batch sees a switch.
      const row = await trx
        .selectFrom('projection_generations')
        .select(['served_generation', 'building_generation'])
        .where('projection', '=', definition.name)
        .forShare()
        .executeTakeFirst();
      const current = role === 'served' ? row?.served_generation : row?.building_generation;
      if (current !== generation) return false;
      const checkpoint = await trx
        .selectFrom('projection_checkpoints')
        .select('next_offset')
        .where('projection', '=', definition.name)
        .where('generation', '=', generation)
        .where('topic', '=', batch.topic)
        .where('partition', '=', batch.partition)
        .forUpdate()
        .executeTakeFirst();
      const from = checkpoint ? BigInt(checkpoint.next_offset) : 0n;
      const scoped = trx.withSchema(generationSchema(definition.name, generation));
      for (const { offset, message } of decoded) {
        if (offset < from || !message) continue;
        const handler = definition.handlers[message.type];
        if (!handler) continue;
        await handler(message, { db: scoped as never, generation });
        count++;
      }
      if (last.offset + 1n > from) {
        await this.store.setCheckpoints(
          trx,
          definition.name,
          generation,
          new Map([[checkpointKey(batch.topic, batch.partition), last.offset + 1n]]),
        );
      }
      return true;
    });
    if (!stillOurs) {
      this.retire();
      return;
    }
    // Moves kafkajs' fetch position (nothing is committed: autoCommit is off, the checkpoint rules).
    resolveOffset(last.offset.toString());
    this.applied += count;
    this.options.onApplied?.(count);
    await heartbeat();
  }

  private async decode(
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<IncomingMessage | null> {
    const headers = readHeaders(message.headers);
    const type = headers[Headers.messageType];
    if (!type || !this.options.definition.handlers[type]) return null;
    const data = await this.options.codec.decode(topic, type, message.value);
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? '',
      type,
      data,
      messageId: headers[Headers.messageId] ?? `${topic}:${partition}:${message.offset}`,
      correlationId: headers[Headers.correlationId] ?? '',
      causationId: headers[Headers.causationId],
      traceparent: headers[Headers.traceparent],
      headers,
      timestamp: message.timestamp,
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

/** Sums, per partition, how far the high watermark is ahead of the checkpoint. */
export async function projectionLag(
  kafka: Kafka,
  topics: string[],
  checkpoints: Map<string, bigint>,
): Promise<{ lag: bigint; partitions: { topic: string; partition: number; next: bigint; high: bigint }[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions: { topic: string; partition: number; next: bigint; high: bigint }[] = [];
    let lag = 0n;
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const high = BigInt(p.high);
        const next = checkpoints.get(checkpointKey(topic, p.partition)) ?? BigInt(p.low);
        partitions.push({ topic, partition: p.partition, next, high });
        if (high > next) lag += high - next;
      }
    }
    return { lag, partitions };
  } finally {
    await admin.disconnect();
  }
}
