import type { Kafka, Producer } from 'kafkajs';
import { sql, type Transaction } from 'kysely';
import type { EventsDatabase } from '../db/tables.ts';
import {
  describeError,
  type MessagePosition,
  toDeadLetterMessage,
} from '../dead-letters/dead-letter-format.ts';
import type { BatchEntry } from '../internal/projection-entries.ts';

/** What the runner gave up on, where it read it, and why. */
export interface ProjectionFailure {
  topic: string;
  partition: number;
  entry: BatchEntry;
  attempts: number;
  error: unknown;
}

/**
 * The dead letters of one projection generation: sent to `<topic>.dlq` in the consumers' format
 * (so `npm run dlq` lists and re-drives them), recorded in `projection_dead_letters`, and claimed
 * when a re-driven copy comes back, so that the copy applies once, and only where it failed.
 */
export class ProjectionDeadLetters {
  private producer: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly projection: string,
    private readonly generation: number,
  ) {}

  /**
   * Sends the dead letter and resolves once every in-sync replica has it, before the checkpoint
   * moves past the message: a crash in between sends it again, and its row (the first copy to
   * come back claims it) keeps the duplicate from applying twice.
   */
  async send({ topic, partition, entry, attempts, error }: ProjectionFailure): Promise<void> {
    const producer = await this.connected();
    const letter = toDeadLetterMessage({
      topic,
      partition,
      message: entry.raw,
      consumer: this.projection,
      attempts,
      error,
      failedAt: new Date(),
    });
    await producer.send({ topic: letter.topic, acks: -1, messages: [letter.message] });
  }

  /** Records the dead letter, in the transaction that moves the checkpoint past it. */
  async record(trx: Transaction<EventsDatabase>, { topic, partition, entry, error }: ProjectionFailure) {
    const { message, code } = describeError(error);
    await trx
      .insertInto('projection_dead_letters')
      .values({
        projection: this.projection,
        generation: this.generation,
        topic,
        partition,
        offset: entry.raw.offset,
        message_id: entry.messageId,
        message_type: entry.type ?? null,
        error_code: code,
        error: message,
      })
      .onConflict((oc) =>
        oc.columns(['projection', 'generation', 'topic', 'partition', 'offset']).doNothing(),
      )
      .execute();
  }

  /**
   * Claims the dead letter a re-driven copy came from: true the first time (the copy is this
   * generation's to apply), false for a later copy, or when this generation applied the original
   * and the dead letter was another reader's.
   */
  async claim(trx: Transaction<EventsDatabase>, from: MessagePosition): Promise<boolean> {
    const claimed = await trx
      .updateTable('projection_dead_letters')
      .set({ redriven_at: sql<Date>`now()` })
      .where('projection', '=', this.projection)
      .where('generation', '=', this.generation)
      .where('topic', '=', from.topic)
      .where('partition', '=', from.partition)
      .where('offset', '=', from.offset)
      .where('redriven_at', 'is', null)
      .returning('offset')
      .executeTakeFirst();
    return claimed !== undefined;
  }

  async close(): Promise<void> {
    const producer = await this.producer?.catch(() => undefined);
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  /** Connected on the first dead letter: most runners never need a producer. */
  private connected(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }
}
