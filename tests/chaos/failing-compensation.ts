import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { call, type User } from './load.ts';

/** Part of the error every refused release carries (and so its dead letter's `dlq-error`). */
export const REFUSED_RELEASE = 'chaos failing-compensation';

export interface FailingCompensationOptions {
  inventoryUrl: string;
  ordersUrl: string;
  gatewayUrl: string;
  /** The product no planned order uses: only the fault's own orders hold it. */
  productId: string;
  user: User;
  adminToken: string;
  /** Orders placed to be failed. @default 1 */
  orders?: number;
  /** Bound of the wait for their sagas to fail, then to end compensated. @default 600000 */
  timeoutMs?: number;
  /** The instant the load's times count from. */
  startedAt: number;
  /** A name unique in the run, for the trigger. */
  name: string;
  log: (line: string) => void;
}

/** One order the fault placed, and what became of its saga. */
export interface SabotagedSaga {
  orderId: string;
  sagaId: string;
  /** ms after the load started. */
  sentAtMs: number;
  /** Whether it reached `failed` while the refusal was in place. */
  failed: boolean;
  /** Replays through the admin API that were accepted (202). */
  replays: number;
  /** Its status when the fault was over: `compensated` when everything worked. */
  finalStatus: string;
}

export interface FailingCompensationResult {
  sagas: SabotagedSaga[];
  /** How long the refusal was in place. */
  windowMs: number;
  note: string;
  /** Sagas that did not fail, or did not end compensated after the replay. */
  problems: string[];
}

async function query<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A participant that fails a compensation for a while, without product code: a trigger in the
 * inventory database raises on the write a release makes (the `StockReleased` event) for one
 * product. Its own declined orders (their charge is refused, so their reservation is released)
 * then find the release failing: the participant retries, dead-letters the command, the
 * orchestrator resends it until its compensation attempts run out and the saga waits in `failed`.
 * Then the trigger goes, the run replays each saga's compensations through the admin API (as an
 * operator would) and waits until each ends `compensated`.
 *
 * One product rather than every release: a refusal of all releases would have to last the whole
 * resend schedule of a saga's compensation (minutes) while every declined order of the load waits,
 * and would block the participant's partitions with retries; naming the orders makes the number
 * of failed sagas known in advance.
 */
export async function failCompensations(
  options: FailingCompensationOptions,
): Promise<FailingCompensationResult> {
  const { inventoryUrl, ordersUrl, log } = options;
  const trigger = `chaos_refuse_release_${options.name.replace(/\W/g, '_')}`;
  // The id goes into the trigger's DDL (no parameters there): only a UUID may.
  if (!/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(options.productId))
    throw new Error(`not a product id: ${options.productId}`);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeoutMs;
  await query(
    inventoryUrl,
    `CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION '${REFUSED_RELEASE}: release of % refused', NEW.stream_id; END $$`,
  );
  await query(
    inventoryUrl,
    `CREATE TRIGGER ${trigger} BEFORE INSERT ON events FOR EACH ROW
     WHEN (NEW.type = 'StockReleased' AND NEW.data -> 'lines' @> jsonb_build_array(jsonb_build_object('productId', '${options.productId}'::text)))
     EXECUTE FUNCTION ${trigger}()`,
  );
  const installed = Date.now();
  const sagas: SabotagedSaga[] = [];
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    await query(inventoryUrl, `DROP TRIGGER IF EXISTS ${trigger} ON events`);
    await query(inventoryUrl, `DROP FUNCTION IF EXISTS ${trigger}()`);
    dropped = true;
  };
  try {
    for (let i = 0; i < (options.orders ?? 1); i++) sagas.push(await placeDeclinedOrder(options, deadline));
    log(`failing-compensation: ${sagas.length} orders placed, waiting for their sagas to fail`);
    await waitForStatus(ordersUrl, sagas, (status) => status === 'failed', deadline);
    for (const saga of sagas) saga.failed = saga.finalStatus === 'failed';
    await drop();
    const windowMs = Date.now() - installed;
    log(`failing-compensation: refusal dropped after ${(windowMs / 1000).toFixed(1)} s; replaying`);
    await replayUntilCompensated(options, sagas, deadline);
    const problems = sagas.flatMap((s) => [
      ...(s.failed
        ? []
        : [`saga ${s.sagaId} (order ${s.orderId}) did not reach failed while its release was refused`]),
      ...(s.finalStatus === 'compensated'
        ? []
        : [`saga ${s.sagaId} (order ${s.orderId}) is ${s.finalStatus} after the replay`]),
    ]);
    const failed = sagas.filter((s) => s.failed).length;
    const compensated = sagas.filter((s) => s.finalStatus === 'compensated').length;
    return {
      sagas,
      windowMs,
      note:
        `${sagas.length} sagas had their release refused for ${(windowMs / 1000).toFixed(1)} s: ${failed} ended failed, ` +
        `were replayed through the admin API (${sagas.reduce((n, s) => n + s.replays, 0)} replays accepted), ${compensated} ended compensated`,
      problems,
    };
  } finally {
    await drop().catch(() => undefined);
  }
}

/** One declined order of the product through the gateway; retried until it is accepted. */
async function placeDeclinedOrder(
  options: FailingCompensationOptions,
  deadline: number,
): Promise<SabotagedSaga> {
  const body = {
    items: [{ productId: options.productId, quantity: 1 }],
    shippingAddress: { street: '1 Chaos Lane', city: 'Entropy', postalCode: '00000', country: 'DE' },
    paymentToken: 'tok_decline',
  };
  // One key for all the tries: a try that was applied but not answered is not placed twice.
  const key = randomUUID();
  for (;;) {
    const sentAtMs = Date.now() - options.startedAt;
    const response = await call('POST', `${options.gatewayUrl}/api/orders`, options.user.token, body, {
      headers: { 'idempotency-key': key },
    }).catch(() => undefined);
    if (response?.status === 202) {
      const { orderId, sagaId } = response.json as { orderId: string; sagaId: string };
      return { orderId, sagaId, sentAtMs, failed: false, replays: 0, finalStatus: 'running' };
    }
    if (Date.now() > deadline)
      throw new Error(`could not place an order: ${response?.status ?? 'no answer'}`);
    await sleep(1_000);
  }
}

/** Polls the sagas' statuses (into `finalStatus`) until each satisfies `done` or the deadline. */
async function waitForStatus(
  ordersUrl: string,
  sagas: SabotagedSaga[],
  done: (status: string) => boolean,
  deadline: number,
): Promise<void> {
  for (;;) {
    const rows = await query<{ id: string; status: string }>(
      ordersUrl,
      'SELECT id::text, status FROM saga_instances WHERE id = ANY($1::uuid[])',
      [sagas.map((s) => s.sagaId)],
    ).catch(() => []);
    for (const row of rows) {
      const saga = sagas.find((s) => s.sagaId === row.id);
      if (saga) saga.finalStatus = row.status;
    }
    if (sagas.every((s) => done(s.finalStatus)) || Date.now() > deadline) return;
    await sleep(1_000);
  }
}

/**
 * Replays the compensations of every failed saga through the gateway's admin API, again if one
 * fails once more (a fault may hit the replay too), until every saga is compensated.
 */
async function replayUntilCompensated(
  options: FailingCompensationOptions,
  sagas: SabotagedSaga[],
  deadline: number,
): Promise<void> {
  for (;;) {
    for (const saga of sagas.filter((s) => s.finalStatus === 'failed')) {
      const response = await call(
        'POST',
        `${options.gatewayUrl}/admin/sagas/${saga.sagaId}/compensations/replay`,
        options.adminToken,
      ).catch(() => undefined);
      if (response?.status === 202) saga.replays++;
      else
        options.log(
          `failing-compensation: replay of ${saga.sagaId} answered ${response?.status ?? 'nothing'}`,
        );
    }
    await waitForStatus(options.ordersUrl, sagas, (status) => status !== 'failed', Date.now() + 2_000);
    await waitForStatus(
      options.ordersUrl,
      sagas,
      (status) => status === 'compensated' || status === 'failed',
      deadline,
    );
    if (sagas.every((s) => s.finalStatus === 'compensated') || Date.now() > deadline) return;
  }
}
