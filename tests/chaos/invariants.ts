import { type ListedDeadLetter, listDeadLetters } from '@conveyor/events';
import { topicNames } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { stockConservation } from '../../services/inventory/src/application/stock-conservation.ts';
// Imported by file, not through the service's index, so the check needs only kysely.
import { SEED_PRODUCTS } from '../../services/inventory/src/db/seed-products.ts';
import { REFUSED_RELEASE, type SabotagedSaga } from './failing-compensation.ts';
import type { SentPoison } from './poison.ts';
import { SERVICES, type ServiceName } from './targets.ts';

export interface InvariantResult {
  name: string;
  pass: boolean;
  /** Counts behind the verdict (always printed). */
  counts: Record<string, number>;
  /** Violations, at most a few listed. */
  details: string[];
}

export interface InvariantContext {
  /** Connection URL of each service's database. */
  databaseUrl(service: ServiceName): string;
  kafkaBrokers: string[];
  topicNamespace: string;
  /** Units the harness received into stock before the load, per product (on top of the seed's). */
  receivedStock?: ReadonlyMap<string, number>;
  /** Poison messages the run wrote: each must be dead-lettered by every reader of its topic. */
  poison?: readonly SentPoison[];
  /** Sagas whose compensation was refused on purpose: they failed, were replayed, must be compensated. */
  sabotaged?: readonly SabotagedSaga[];
}

const LIST_AT_MOST = 10;

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function result(name: string, counts: Record<string, number>, details: string[]): InvariantResult {
  return {
    name,
    pass: details.length === 0,
    counts,
    details:
      details.length > LIST_AT_MOST
        ? [...details.slice(0, LIST_AT_MOST), `… and ${details.length - LIST_AT_MOST} more`]
        : details,
  };
}

/**
 * 1. Every saga is completed or compensated: a saga whose compensation was refused on purpose
 * failed, was replayed, and must be compensated by now like the rest.
 */
export async function sagasTerminal(ctx: InvariantContext): Promise<InvariantResult> {
  return withClient(ctx.databaseUrl('orders'), async (db) => {
    const { rows } = await db.query<{ id: string; status: string; failure_reason: string | null }>(
      'SELECT id, status, failure_reason FROM saga_instances',
    );
    const sabotaged = ctx.sabotaged ?? [];
    const counts: Record<string, number> = {
      sagas: rows.length,
      failedOnPurpose: sabotaged.filter((s) => s.failed).length,
    };
    const details: string[] = [];
    for (const s of sabotaged)
      if (!s.failed) details.push(`saga ${s.sagaId} had its release refused but never reached failed`);
    for (const saga of rows) {
      counts[saga.status] = (counts[saga.status] ?? 0) + 1;
      if (saga.status === 'completed' || saga.status === 'compensated') continue;
      details.push(
        `saga ${saga.id} is ${saga.status}${saga.failure_reason ? ` (${saga.failure_reason})` : ''}`,
      );
    }
    const { rows: orphans } = await db.query<{ order_id: string }>(
      'SELECT v.order_id FROM order_views v LEFT JOIN saga_instances s ON s.id = v.saga_id WHERE s.id IS NULL',
    );
    for (const o of orphans) details.push(`order ${o.order_id} has no saga instance`);
    return result(
      '1. sagas terminal (completed or compensated; failed on purpose, then replayed)',
      counts,
      details,
    );
  });
}

/**
 * 2. Per product: received = available + reserved + sold, reservations explain reserved and sold,
 * and received = the seed's stock plus what the harness received before the load.
 */
export async function stockConserved(ctx: InvariantContext): Promise<InvariantResult> {
  const db = new Kysely<any>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: ctx.databaseUrl('inventory'), max: 1 }),
    }),
  });
  try {
    const conservation = await stockConservation(db);
    const details: string[] = [];
    for (const v of conservation.violations) {
      details.push(
        `${v.sku}: received ${v.received} ≠ available ${v.available} + reserved ${v.reserved} + sold ${v.sold}` +
          ` (reservations hold ${v.heldByReservations}, sold ${v.soldByReservations})`,
      );
    }
    const initial = new Map(SEED_PRODUCTS.map((p) => [p.id, p.initialStock]));
    let sold = 0;
    let reserved = 0;
    for (const p of conservation.products) {
      sold += p.sold;
      reserved += p.reserved;
      const seeded = initial.get(p.productId);
      const receipts = ctx.receivedStock?.get(p.productId) ?? 0;
      if (seeded !== undefined && seeded + receipts !== p.received)
        details.push(
          `${p.sku}: received ${p.received} but the seed stock is ${seeded} and ${receipts} were received`,
        );
    }
    // After quiescence no reservation may stay held: every saga ended.
    if (reserved > 0) details.push(`${reserved} units still reserved after every saga ended`);
    return result(
      '2. stock conservation (received = available + reserved + sold)',
      {
        products: conservation.products.length,
        violations: conservation.violations.length,
        receivedBeforeLoad: [...(ctx.receivedStock?.values() ?? [])].reduce((a, b) => a + b, 0),
        sold,
        reserved,
      },
      details,
    );
  } finally {
    await db.destroy();
  }
}

/** 3. Completed orders charged exactly once; compensated ones refunded exactly once if charged; nothing else charged. */
export async function chargedOnce(ctx: InvariantContext): Promise<InvariantResult> {
  const sagas = await withClient(ctx.databaseUrl('orders'), async (db) => {
    const { rows } = await db.query<{ order_id: string; saga_status: string; total_cents: string | null }>(
      `SELECT v.order_id::text, s.status AS saga_status, v.total_cents::text
       FROM order_views v JOIN saga_instances s ON s.id = v.saga_id`,
    );
    return new Map(rows.map((r) => [r.order_id, r]));
  });
  const payments = await withClient(ctx.databaseUrl('payments'), async (db) => {
    const events = await db.query<{
      order_id: string;
      charged: string;
      refunded: string;
      amount: string | null;
    }>(
      `SELECT data->>'orderId' AS order_id,
              count(*) FILTER (WHERE type = 'PaymentCharged') AS charged,
              count(*) FILTER (WHERE type = 'PaymentRefunded') AS refunded,
              max(data->>'amountCents') FILTER (WHERE type = 'PaymentCharged') AS amount
       FROM events GROUP BY 1`,
    );
    const table = await db.query<{ order_id: string; rows: string; status: string }>(
      `SELECT order_id::text, count(*) AS rows, max(status) AS status FROM payments GROUP BY 1`,
    );
    return { events: events.rows, table: new Map(table.rows.map((r) => [r.order_id, r])) };
  });
  const details: string[] = [];
  const counts = { completed: 0, compensatedCharged: 0, compensatedNotCharged: 0, charges: 0, refunds: 0 };
  const byOrder = new Map(payments.events.map((e) => [e.order_id, e]));
  for (const e of payments.events) {
    counts.charges += Number(e.charged);
    counts.refunds += Number(e.refunded);
    if (!sagas.has(e.order_id) && Number(e.charged) > 0)
      details.push(`order ${e.order_id} is unknown to orders but was charged ${e.charged}×`);
  }
  for (const [orderId, order] of sagas) {
    const p = byOrder.get(orderId);
    const charged = Number(p?.charged ?? 0);
    const refunded = Number(p?.refunded ?? 0);
    const row = payments.table.get(orderId);
    if (row && Number(row.rows) > 1) details.push(`order ${orderId}: ${row.rows} rows in payments`);
    if (order.saga_status === 'completed') {
      counts.completed++;
      if (charged !== 1 || refunded !== 0)
        details.push(`completed order ${orderId}: charged ${charged}×, refunded ${refunded}× (want 1, 0)`);
      else if (!row || row.status !== 'charged')
        details.push(`completed order ${orderId}: payments row is ${row?.status ?? 'missing'}`);
      else if (order.total_cents !== null && p?.amount !== null && String(p?.amount) !== order.total_cents)
        details.push(`completed order ${orderId}: charged ${p?.amount}, total ${order.total_cents}`);
    } else if (order.saga_status === 'compensated') {
      if (charged === 0) {
        counts.compensatedNotCharged++;
        if (refunded !== 0)
          details.push(`compensated order ${orderId}: refunded ${refunded}× without a charge`);
      } else {
        counts.compensatedCharged++;
        if (charged !== 1 || refunded !== 1)
          details.push(
            `compensated order ${orderId}: charged ${charged}×, refunded ${refunded}× (want 1, 1)`,
          );
        else if (row?.status !== 'refunded')
          details.push(
            `compensated order ${orderId}: payments row is ${row?.status ?? 'missing'}, want refunded`,
          );
      }
    } else if (charged > 0 && refunded !== charged) {
      details.push(
        `order ${orderId} (saga ${order.saga_status}): charged ${charged}×, refunded ${refunded}×`,
      );
    }
  }
  // Rows in the payments table must have a charge event.
  for (const [orderId, row] of payments.table) {
    if (!byOrder.get(orderId) || Number(byOrder.get(orderId)!.charged) === 0)
      details.push(`payments row for ${orderId} (${row.status}) without a PaymentCharged event`);
  }
  return result('3. charged exactly once / refunded exactly once', counts, details);
}

/** 4. Every outbox row published; no inbox holds a message id twice (per consumer). */
export async function outboxAndInbox(ctx: InvariantContext): Promise<InvariantResult> {
  const details: string[] = [];
  const counts: Record<string, number> = {
    outboxRows: 0,
    unpublished: 0,
    inboxRows: 0,
    duplicateInboxIds: 0,
  };
  for (const service of SERVICES) {
    await withClient(ctx.databaseUrl(service), async (db) => {
      const outbox = await db.query<{ total: string; unpublished: string }>(
        'SELECT count(*) AS total, count(*) FILTER (WHERE published_at IS NULL) AS unpublished FROM outbox',
      );
      counts.outboxRows! += Number(outbox.rows[0]!.total);
      const unpublished = Number(outbox.rows[0]!.unpublished);
      counts.unpublished! += unpublished;
      if (unpublished > 0) details.push(`${service}: ${unpublished} outbox rows not published`);
      const inbox = await db.query<{ total: string }>('SELECT count(*) AS total FROM inbox');
      counts.inboxRows! += Number(inbox.rows[0]!.total);
      const dups = await db.query<{ consumer: string; message_id: string; n: string }>(
        'SELECT consumer, message_id, count(*) AS n FROM inbox GROUP BY 1, 2 HAVING count(*) > 1',
      );
      counts.duplicateInboxIds! += dups.rows.length;
      for (const d of dups.rows)
        details.push(`${service}: inbox of ${d.consumer} holds ${d.message_id} ${d.n}×`);
    });
  }
  return result('4. outboxes published, inboxes without duplicates', counts, details);
}

/** 5. The orders read models equal a recomputation from the orders event store. */
export async function readModelsMatch(ctx: InvariantContext): Promise<InvariantResult> {
  return withClient(ctx.databaseUrl('orders'), async (db) => {
    const expected = (
      await db.query(`
        SELECT (array_agg(data->>'orderId'))[1] AS order_id,
               (array_agg(data->>'userId') FILTER (WHERE type = 'OrderPlaced'))[1] AS user_id,
               CASE (array_agg(type ORDER BY stream_version DESC))[1]
                 WHEN 'OrderConfirmed' THEN 'confirmed' WHEN 'OrderCancelled' THEN 'cancelled' ELSE 'pending' END AS status,
               (array_agg(data->>'totalCents') FILTER (WHERE type = 'OrderConfirmed'))[1] AS total_cents
        FROM events WHERE stream_id LIKE 'order-%' GROUP BY stream_id ORDER BY 1`)
    ).rows as { order_id: string; user_id: string; status: string; total_cents: string | null }[];
    const details = (
      await db.query(
        'SELECT order_id::text, user_id::text, status, total_cents::text FROM order_details ORDER BY 1',
      )
    ).rows as typeof expected;
    const views = (await db.query('SELECT order_id::text, user_id::text, status FROM order_views ORDER BY 1'))
      .rows as { order_id: string; user_id: string; status: string }[];
    const problems: string[] = [];
    const compare = (label: string, actual: Record<string, unknown>[], fields: string[]) => {
      const want = new Map(expected.map((e) => [e.order_id, e as Record<string, unknown>]));
      const got = new Map(actual.map((a) => [String(a.order_id), a]));
      for (const [id, e] of want) {
        const a = got.get(id);
        if (!a) problems.push(`${label}: order ${id} missing`);
        else
          for (const f of fields)
            if (String(a[f] ?? null) !== String(e[f] ?? null))
              problems.push(`${label}: order ${id} ${f} is ${a[f]}, recomputed ${e[f]}`);
      }
      for (const id of got.keys()) if (!want.has(id)) problems.push(`${label}: order ${id} has no events`);
    };
    compare('order_details', details, ['user_id', 'status', 'total_cents']);
    compare('order_views', views, ['user_id', 'status']);
    return result(
      '5. read models = recomputation from the event store',
      { orders: expected.length, orderDetailsRows: details.length, orderViewsRows: views.length },
      problems,
    );
  });
}

/**
 * 6. The dead-letter topics of the run's namespace hold exactly what the run caused on purpose:
 * each poison message, dead-lettered by every reader of its topic (a reader may do it twice: a
 * crash between the dead letter and its offset commit redelivers it), and the release commands the
 * failing-compensation fault refused. Anything else there is a message a service gave up on.
 */
export async function deadLettersExpected(ctx: InvariantContext): Promise<InvariantResult> {
  const kafka = new Kafka({
    clientId: 'conveyor-chaos-check',
    brokers: ctx.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const letters: ListedDeadLetter[] = [];
  let topics: string[];
  try {
    const prefix = `${ctx.topicNamespace}.`;
    topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix) && t.endsWith('.dlq'));
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      if (offsets.every((o) => o.high === o.low)) continue;
      letters.push(...(await listDeadLetters({ kafka, topic, timeoutMs: 30_000 })));
    }
  } finally {
    await admin.disconnect();
  }
  const details: string[] = [];
  if (topics.length === 0) details.push(`no dead-letter topics found under ${ctx.topicNamespace}.`);
  const poison = new Map((ctx.poison ?? []).map((p) => [p.messageId, p]));
  const readers = new Map<string, string[]>();
  const inventoryCommands = topicNames(ctx.topicNamespace).inventoryCommands;
  const counts = {
    topics: topics.length,
    deadLetters: letters.length,
    poison: 0,
    refusedReleases: 0,
    duplicates: 0,
    unexpected: 0,
  };
  for (const letter of letters) {
    const sent = letter.messageId ? poison.get(letter.messageId) : undefined;
    if (sent && sent.topic === letter.originalTopic) {
      counts.poison++;
      const seen = readers.get(sent.messageId) ?? [];
      if (seen.includes(letter.consumer ?? '')) counts.duplicates++;
      readers.set(sent.messageId, [...seen, letter.consumer ?? '']);
      continue;
    }
    if (letter.originalTopic === inventoryCommands && letter.error?.includes(REFUSED_RELEASE)) {
      counts.refusedReleases++;
      continue;
    }
    counts.unexpected++;
    details.push(
      `${letter.originalTopic}: ${letter.messageType ?? '(no type)'} ${letter.messageId ?? '(no id)'} dead-lettered by ` +
        `${letter.consumer ?? '?'} after ${letter.attempts ?? '?'} attempts: ${letter.errorCode ?? ''} ${letter.error ?? ''}`,
    );
  }
  for (const sent of poison.values()) {
    const seen = new Set(readers.get(sent.messageId) ?? []);
    for (const consumer of sent.consumers)
      if (!seen.has(consumer))
        details.push(
          `poison ${sent.messageId} (${sent.flavour}) on ${sent.topic} was not dead-lettered by ${consumer}`,
        );
    for (const consumer of seen)
      if (!sent.consumers.includes(consumer))
        details.push(
          `poison ${sent.messageId} on ${sent.topic} was dead-lettered by ${consumer}, a reader the run does not know`,
        );
  }
  return result('6. dead letters: exactly the poison messages and the refused releases', counts, details);
}

export const INVARIANTS = [
  sagasTerminal,
  stockConserved,
  chargedOnce,
  outboxAndInbox,
  readModelsMatch,
  deadLettersExpected,
];

/** Every invariant; a check that throws is a failure with the error as its detail. */
export async function checkInvariants(ctx: InvariantContext): Promise<InvariantResult[]> {
  const out: InvariantResult[] = [];
  for (const check of INVARIANTS) {
    try {
      out.push(await check(ctx));
    } catch (error) {
      out.push({
        name: check.name,
        pass: false,
        counts: {},
        details: [`check failed: ${(error as Error).message}`],
      });
    }
  }
  return out;
}
