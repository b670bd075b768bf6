import pg from 'pg';

/** Where one order ended, read from the orders database after quiescence. */
export interface OrderFact {
  orderId: string;
  status: string;
  reason: string | null;
  sagaId: string | null;
  sagaStatus: string | null;
  failureReason: string | null;
  /** When its OrderConfirmed or OrderCancelled was recorded (epoch ms), if it was. */
  terminalAt: number | null;
}

/** Every order in the orders database with its saga and the time it reached its final status. */
export async function readOrderFacts(ordersUrl: string): Promise<Map<string, OrderFact>> {
  const client = new pg.Client({ connectionString: ordersUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      order_id: string;
      status: string;
      reason: string | null;
      saga_id: string | null;
      saga_status: string | null;
      failure_reason: string | null;
      terminal_ms: string | null;
    }>(
      `SELECT v.order_id::text, v.status, v.reason, s.id::text AS saga_id, s.status AS saga_status, s.failure_reason,
              (extract(epoch FROM t.at) * 1000)::bigint::text AS terminal_ms
       FROM order_views v
       LEFT JOIN saga_instances s ON s.id = v.saga_id
       LEFT JOIN LATERAL (
         SELECT max(e.recorded_at) AS at FROM events e
         WHERE e.stream_id = 'order-' || v.order_id::text AND e.type IN ('OrderConfirmed', 'OrderCancelled')
       ) t ON true`,
    );
    return new Map(
      rows.map((r) => [
        r.order_id,
        {
          orderId: r.order_id,
          status: r.status,
          reason: r.reason,
          sagaId: r.saga_id,
          sagaStatus: r.saga_status,
          failureReason: r.failure_reason,
          terminalAt: r.terminal_ms === null ? null : Number(r.terminal_ms),
        },
      ]),
    );
  } finally {
    await client.end();
  }
}
