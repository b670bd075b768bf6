import pg from 'pg';
import { call } from './load.ts';

/** One saga's timeline as the admin API shows it, for the report. */
export interface TimelineSample {
  sagaId: string;
  status: string;
  /** Sends of its steps' commands that were resends (no reply in time). */
  resends: number;
  entries: { at: string; step: string | null; action: string; status: string; error: string | null }[];
}

/** How many commands and compensations the orchestrator sent, and how many of those were resends. */
export async function countSends(ordersUrl: string): Promise<{ sends: number; resends: number }> {
  const client = new pg.Client({ connectionString: ordersUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ sends: string; resends: string }>(
      `SELECT count(*) AS sends, count(*) FILTER (WHERE status LIKE 'resent%') AS resends
       FROM saga_log WHERE action IN ('command', 'compensation')`,
    );
    return { sends: Number(rows[0]?.sends ?? 0), resends: Number(rows[0]?.resends ?? 0) };
  } finally {
    await client.end();
  }
}

/**
 * The completed saga that was resent the most (it waited through a fault and still completed), read
 * back through the gateway's admin API as an operator would see it. Undefined when no completed
 * saga needed a resend.
 */
export async function sampleTimeline(
  ordersUrl: string,
  gatewayUrl: string,
  adminToken: string,
): Promise<TimelineSample | undefined> {
  const client = new pg.Client({ connectionString: ordersUrl });
  await client.connect();
  let row: { saga_id: string; resends: string } | undefined;
  try {
    ({
      rows: [row],
    } = await client.query<{ saga_id: string; resends: string }>(
      `SELECT l.saga_id::text, count(*) AS resends FROM saga_log l JOIN saga_instances s ON s.id = l.saga_id
       WHERE s.status = 'completed' AND l.action = 'command' AND l.status LIKE 'resent%'
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    ));
  } finally {
    await client.end();
  }
  if (!row) return undefined;
  const detail = await call('GET', `${gatewayUrl}/admin/sagas/${row.saga_id}`, adminToken);
  if (detail.status !== 200) throw new Error(`GET /admin/sagas/${row.saga_id} answered ${detail.status}`);
  const { status, timeline } = detail.json as {
    status: string;
    timeline: { at: string; step: string | null; action: string; status: string; error: string | null }[];
  };
  return {
    sagaId: row.saga_id,
    status,
    resends: Number(row.resends),
    entries: timeline.map(({ at, step, action, status, error }) => ({ at, step, action, status, error })),
  };
}
