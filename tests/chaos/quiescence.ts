import { setTimeout as sleep } from 'node:timers/promises';
import { topicNames } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import type { ServiceName } from './schedule.ts';

export interface QuiescenceProbe {
  databaseUrl(service: ServiceName): string;
  kafkaBrokers: string[];
  topicNamespace: string;
  /** True when every process of the stack runs. */
  allRunning(): boolean;
}

export interface QuiescenceState {
  quiet: boolean;
  activeSagas: number;
  unpublished: number;
  consumerLag: number;
  projectionLag: number;
  processesDown: boolean;
}

/** The consumer groups of a stack: namespaced ones, and the fixed names some services use. */
const FIXED_GROUPS = [
  'orders-saga-orchestrator',
  'orders-participant',
  'orders-users',
  'payments-participant',
];

async function count(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(sql)).rows[0].n);
  } finally {
    await client.end();
  }
}

export async function probe(p: QuiescenceProbe): Promise<QuiescenceState> {
  const activeSagas = await count(
    p.databaseUrl('orders'),
    "SELECT count(*) AS n FROM saga_instances WHERE status NOT IN ('completed', 'compensated', 'failed')",
  );
  let unpublished = 0;
  for (const s of ['users', 'inventory', 'payments', 'orders'] as const)
    unpublished += await count(
      p.databaseUrl(s),
      'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
    );
  const { consumerLag, projectionLag } = await lag(p);
  const processesDown = !p.allRunning();
  return {
    quiet:
      activeSagas === 0 && unpublished === 0 && consumerLag === 0 && projectionLag === 0 && !processesDown,
    activeSagas,
    unpublished,
    consumerLag,
    projectionLag,
    processesDown,
  };
}

async function lag(p: QuiescenceProbe): Promise<{ consumerLag: number; projectionLag: number }> {
  const kafka = new Kafka({
    clientId: 'conveyor-chaos-lag',
    brokers: p.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 1 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = Object.values(topicNames(p.topicNamespace));
    const high = new Map<string, Map<number, { high: number; low: number }>>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      high.set(
        topic,
        new Map(offsets.map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }])),
      );
    }
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.includes(p.topicNamespace) || FIXED_GROUPS.includes(g));
    let consumerLag = 0;
    for (const groupId of groups) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
        if (!partitions.some((x) => Number(x.offset) >= 0)) continue; // this group does not read the topic
        for (const part of partitions) {
          const h = high.get(topic)?.get(part.partition);
          if (!h) continue;
          const committed = Number(part.offset) >= 0 ? Number(part.offset) : h.low;
          consumerLag += Math.max(0, h.high - committed);
        }
      }
    }
    // The projections keep their positions in Postgres (served generation's checkpoints).
    let projectionLag = 0;
    const client = new pg.Client({ connectionString: p.databaseUrl('orders') });
    await client.connect();
    try {
      const { rows } = await client.query<{ topic: string; partition: number; next_offset: string }>(
        `SELECT c.topic, c.partition, c.next_offset FROM projection_checkpoints c
         JOIN projection_generations g ON g.projection = c.projection AND g.served_generation = c.generation`,
      );
      const seen = new Set(rows.map((r) => `${r.topic}:${r.partition}`));
      for (const r of rows) {
        const h = high.get(r.topic)?.get(r.partition);
        if (h) projectionLag += Math.max(0, h.high - Number(r.next_offset));
      }
      // Partitions with messages but no checkpoint yet count as lag too (ordersEvents only).
      const ordersEvents = topicNames(p.topicNamespace).ordersEvents;
      for (const [partition, h] of high.get(ordersEvents) ?? [])
        if (rows.some((r) => r.topic === ordersEvents) && !seen.has(`${ordersEvents}:${partition}`))
          projectionLag += h.high - h.low;
    } finally {
      await client.end();
    }
    return { consumerLag, projectionLag };
  } finally {
    await admin.disconnect();
  }
}

/** Polls until quiet or the bound; returns the last state and how long it took. */
export async function waitForQuiescence(
  p: QuiescenceProbe,
  timeoutMs: number,
): Promise<{ state: QuiescenceState; tookMs: number; error?: string }> {
  const started = Date.now();
  let state: QuiescenceState = {
    quiet: false,
    activeSagas: -1,
    unpublished: -1,
    consumerLag: -1,
    projectionLag: -1,
    processesDown: true,
  };
  let error: string | undefined;
  let quietRounds = 0;
  while (Date.now() - started < timeoutMs) {
    try {
      state = await probe(p);
      error = undefined;
    } catch (e) {
      error = (e as Error).message;
      state = { ...state, quiet: false };
    }
    // Quiet twice in a row, a second apart: a message in flight between a commit and the next
    // outbox insert would otherwise pass for the end.
    quietRounds = state.quiet ? quietRounds + 1 : 0;
    if (quietRounds >= 2) return { state, tookMs: Date.now() - started };
    await sleep(1_000);
  }
  return { state, tookMs: Date.now() - started, error };
}
