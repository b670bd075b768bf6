import pg from 'pg';
import { quantile } from '../measure/stats.ts';
import type { BenchStack } from './bench-stack.ts';

/** One stretch of a saga step, over many sagas (ms). */
export interface HopSegment {
  step: string;
  segment: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The four stretches of a step, in order; together: command written → reply applied. */
export const SEGMENTS = [
  'command: orchestrator txn + relay → Kafka ack',
  'command: ack → participant txn begins',
  'reply: participant txn + relay → Kafka ack',
  'reply: ack → orchestrator txn begins',
] as const;

interface Stamp {
  created: number;
  published: number | null;
}

const ms = (date: Date | null) => (date ? date.getTime() : null);

/**
 * Splits each step of the sagas into its stretches, from the outbox and inbox rows of the four
 * databases: when the command's outbox row was written and marked published, when the
 * participant's inbox took it (its transaction began), when the reply's outbox row was written
 * and published, and when the orchestrator's inbox took the reply. Transaction times are each
 * transaction's start (`now()`); `published_at` is the relay's clock after the ack.
 */
export async function hopBreakdown(bench: BenchStack, sagaIds: readonly string[]): Promise<HopSegment[]> {
  const pools = {
    orders: bench.orders,
    inventory: new pg.Pool({ connectionString: bench.stack.databaseUrl('inventory'), max: 1 }),
    payments: new pg.Pool({ connectionString: bench.stack.databaseUrl('payments'), max: 1 }),
  };
  try {
    const { rows: commands } = await pools.orders.query<{
      step: string;
      message_id: string;
      created_at: Date;
      published_at: Date | null;
    }>(
      `SELECT l.step, o.message_id, o.created_at, o.published_at
         FROM saga_log l JOIN outbox o ON o.message_id::text = l.command_id::text
        WHERE l.saga_id = ANY($1::uuid[]) AND l.action = 'command'`,
      [sagaIds],
    );
    const ids = commands.map((c) => c.message_id);
    const taken = new Map<string, number>();
    // What a command caused in its participant's outbox: its reply, and maybe events.
    const caused: (Stamp & { id: string; cause: string })[] = [];
    for (const pool of Object.values(pools)) {
      const inbox = await pool.query<{ message_id: string; processed_at: Date }>(
        'SELECT message_id::text, processed_at FROM inbox WHERE message_id::text = ANY($1)',
        [ids],
      );
      for (const row of inbox.rows) taken.set(row.message_id, row.processed_at.getTime());
      const outbox = await pool.query<{
        cause: string;
        message_id: string;
        created_at: Date;
        published_at: Date | null;
      }>(
        `SELECT headers->>'causation-id' AS cause, message_id::text, created_at, published_at FROM outbox
          WHERE headers->>'causation-id' = ANY($1)`,
        [ids],
      );
      for (const row of outbox.rows)
        caused.push({
          cause: row.cause,
          id: row.message_id,
          created: row.created_at.getTime(),
          published: ms(row.published_at),
        });
    }
    // The reply is the one the orchestrator's inbox took.
    const applied = new Map(
      (
        await pools.orders.query<{ message_id: string; processed_at: Date }>(
          'SELECT message_id::text, processed_at FROM inbox WHERE message_id::text = ANY($1)',
          [caused.map((c) => c.id)],
        )
      ).rows.map((r) => [r.message_id, r.processed_at.getTime()]),
    );
    const replies = new Map(caused.filter((c) => applied.has(c.id)).map((c) => [c.cause, c]));

    const samples = new Map<string, number[]>();
    const add = (
      step: string,
      segment: string,
      value: number | null | undefined,
      from: number | null | undefined,
    ) => {
      if (value == null || from == null) return;
      const key = `${step}\u0000${segment}`;
      samples.set(key, [...(samples.get(key) ?? []), value - from]);
    };
    for (const command of commands) {
      const published = ms(command.published_at);
      const participantBegan = taken.get(command.message_id);
      const reply = replies.get(command.message_id);
      add(command.step, SEGMENTS[0], published, command.created_at.getTime());
      add(command.step, SEGMENTS[1], participantBegan, published);
      add(command.step, SEGMENTS[2], reply?.published, reply?.created);
      add(command.step, SEGMENTS[3], reply ? applied.get(reply.id) : undefined, reply?.published);
    }
    return [...samples].map(([key, values]) => {
      const [step = '', segment = ''] = key.split('\u0000');
      return {
        step,
        segment,
        count: values.length,
        p50Ms: quantile(values, 0.5),
        p99Ms: quantile(values, 0.99),
        maxMs: Math.max(...values),
      };
    });
  } finally {
    await pools.inventory.end();
    await pools.payments.end();
  }
}
