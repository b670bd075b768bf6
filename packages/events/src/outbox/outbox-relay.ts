import { type OpenSpan, openSpan } from '@conveyor/telemetry';
import type { Kafka, Message, Producer } from 'kafkajs';
import { type Kysely, sql } from 'kysely';
import type { AvroCodec } from '../codec/avro-codec.ts';
import { OUTBOX_CHANNEL } from '../db/migrations.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { LeaderLock } from '../internal/leader-lock.ts';
import { RelayIdleFlag } from '../internal/relay-idle-flag.ts';
import { Wakeup } from '../internal/wakeup.ts';
import { type Logger, silentLogger } from '../logger.ts';
import { Headers } from '../messages/headers.ts';
import { eventsView } from './outbox.ts';

export interface OutboxRelayOptions<DB extends EventsDatabase = EventsDatabase> {
  /** The service's database (any schema that includes the events tables). */
  db: Kysely<DB>;
  /** URL of the same database: the relay keeps one extra connection for its lock and LISTEN. */
  databaseUrl: string;
  kafka: Kafka;
  codec: AvroCodec;
  /** Relays sharing a name (per database) elect one leader. @default 'conveyor.outbox-relay' */
  lockName?: string;
  /** @default 200 */
  batchSize?: number;
  /** Polling fallback when no NOTIFY arrives (and the pause after a failed batch). @default 1000 */
  pollIntervalMs?: number;
  /** How often a standby tries to take the lock. @default 1000 */
  standbyRetryMs?: number;
  /** Published rows older than this are deleted. @default 86_400_000 (one day) */
  retentionMs?: number;
  /** @default 60_000 */
  pruneIntervalMs?: number;
  logger?: Logger;
  /** Test seam: runs after Kafka acknowledged a batch and before the rows are marked published. */
  afterSend?: (ids: string[]) => void | Promise<void>;
}

/** How soon a relay whose writers skip the NOTIFY reads again when it found nothing. */
const BUSY_POLL_MS = 2;

export interface OutboxBacklog {
  /** Unpublished rows. */
  count: number;
  /** Age of the oldest unpublished row in ms, or 0 when there is none. */
  oldestAgeMs: number;
}

/**
 * Publishes the outbox to Kafka: one leader per database (advisory lock), woken by NOTIFY with a
 * polling fallback, rows in id order, idempotent producer with acks from all replicas, rows marked
 * published only after the ack. A crash between send and mark re-sends the batch: delivery is
 * at least once, and consumers' inboxes turn it into at most one effect.
 */
export class OutboxRelay<DB extends EventsDatabase = EventsDatabase> {
  private readonly options: Required<Omit<OutboxRelayOptions, 'afterSend' | 'db'>> &
    Pick<OutboxRelayOptions, 'afterSend'>;
  private readonly db: Kysely<EventsDatabase>;
  private readonly lock: LeaderLock;
  private readonly wakeup = new Wakeup();
  private readonly idle = new RelayIdleFlag();
  private producer: Producer | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private lastPrune = 0;
  /** Rows this relay published since start (for tests and logs). */
  published = 0;

  constructor({ db, ...options }: OutboxRelayOptions<DB>) {
    this.db = eventsView(db);
    this.options = {
      lockName: 'conveyor.outbox-relay',
      batchSize: 200,
      pollIntervalMs: 1_000,
      standbyRetryMs: 1_000,
      retentionMs: 86_400_000,
      pruneIntervalMs: 60_000,
      logger: silentLogger,
      ...options,
    };
    this.lock = new LeaderLock(this.options.databaseUrl, this.options.lockName);
    this.lock.on('lost', () => {
      this.options.logger.warn(
        { lock: this.options.lockName },
        'outbox relay lost its lock connection; standing by',
      );
      this.wakeup.fire();
    });
  }

  get isLeader(): boolean {
    return this.lock.isHeld;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Finishes the batch in flight, releases the lock and disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.fire();
    await this.loop;
    this.loop = undefined;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
    await this.lock.release();
  }

  async backlog(): Promise<OutboxBacklog> {
    const row = await this.db
      .selectFrom('outbox')
      .select([
        (eb) => eb.fn.countAll<string>().as('count'),
        sql<string | null>`extract(epoch from (now() - min(created_at))) * 1000`.as('age'),
      ])
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), oldestAgeMs: row.age === null ? 0 : Math.round(Number(row.age)) };
  }

  private async run(): Promise<void> {
    const { logger, standbyRetryMs, pollIntervalMs, batchSize } = this.options;
    while (!this.stopping) {
      try {
        if (!this.lock.isHeld) {
          if (!(await this.lock.tryAcquire())) {
            await this.wakeup.wait(standbyRetryMs);
            continue;
          }
          await this.becomeLeader();
        }
        const sent = await this.publishBatch();
        await this.pruneIfDue();
        if (sent < batchSize) await this.pauseAfter(sent);
      } catch (error) {
        logger.error({ err: error }, 'outbox relay batch failed; retrying with a new producer');
        // A broker restart can leave an idempotent producer's sequence numbers out of step for good
        // (OUT_OF_ORDER_SEQUENCE_NUMBER on every send): a new producer gets a new producer id.
        // The batch is re-sent; consumers' inboxes absorb what the broker had already taken.
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
        await this.wakeup.wait(pollIntervalMs);
      }
    }
  }

  /**
   * After a batch that was not full. Rows found: writers are busy, so lower the idle flag (they
   * stop notifying) and read again at once. None found: wait for a NOTIFY with the flag up; when
   * the flag cannot go up yet (a writer that did not notify is committing), read again shortly.
   * Raising the flag is followed by one more read, for the rows committed just before it.
   */
  private async pauseAfter(sent: number): Promise<void> {
    const connection = this.lock.connection;
    if (!connection) return;
    if (sent > 0) return this.idle.lower(connection);
    if (this.idle.isRaisedOn(connection)) return this.wakeup.wait(this.options.pollIntervalMs);
    if (await this.idle.tryRaise(connection)) return;
    await this.wakeup.wait(BUSY_POLL_MS);
  }

  private async becomeLeader(): Promise<void> {
    const connection = this.lock.connection;
    if (!connection) return;
    connection.on('notification', () => this.wakeup.fire());
    await connection.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.options.logger.info({ lock: this.options.lockName }, 'outbox relay is the leader');
  }

  private async publishBatch(): Promise<number> {
    const { codec, batchSize } = this.options;
    const db = this.db;
    const rows = await db
      .selectFrom('outbox')
      .select(['id', 'topic', 'key', 'message_type', 'headers', 'payload', 'trace_context'])
      .where('published_at', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return 0;
    if (!this.producer) {
      // Idempotent with one request in flight: retries cannot duplicate or reorder within a partition.
      const producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.producer = producer;
    }

    const byTopic = new Map<string, Message[]>();
    // A row enqueued with tracing on gets a send span, child of its enqueuing span; the message
    // carries the send span's context, which the consumers continue.
    const spans: OpenSpan[] = [];
    for (const row of rows) {
      const value = await codec.encode(row.topic, row.message_type, row.payload);
      const messages = byTopic.get(row.topic) ?? [];
      const span = row.trace_context === null ? undefined : sendSpan(row);
      if (span) spans.push(span);
      const headers = span ? { ...row.headers, [Headers.traceparent]: span.traceparent } : row.headers;
      messages.push({ key: row.key, value, headers });
      byTopic.set(row.topic, messages);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      for (const span of spans) span.end(error);
      throw error;
    }
    for (const span of spans) span.end();
    const ids = rows.map((r) => r.id);
    await this.options.afterSend?.(ids);
    await db.updateTable('outbox').set({ published_at: new Date() }).where('id', 'in', ids).execute();
    this.published += rows.length;
    return rows.length;
  }

  private async pruneIfDue(): Promise<void> {
    const { retentionMs, pruneIntervalMs } = this.options;
    const db = this.db;
    if (Date.now() - this.lastPrune < pruneIntervalMs) return;
    this.lastPrune = Date.now();
    await db
      .deleteFrom('outbox')
      .where('published_at', '<', new Date(Date.now() - retentionMs))
      .execute();
  }
}

/** The producer span of one outbox row (undefined with tracing off). */
function sendSpan(row: { topic: string; key: string; message_type: string; trace_context: string | null }) {
  return openSpan(`send ${row.message_type}`, {
    kind: 'producer',
    parent: row.trace_context ?? undefined,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': row.topic,
      'messaging.kafka.message.key': row.key,
    },
  });
}
