import type { Logger } from '@conveyor/events';
import type { Kysely, Transaction } from 'kysely';
import type { OrdersDatabase } from '../db/tables.ts';
import { idempotencyKeyReused } from '../domain/errors.ts';

/** How long a caller's Idempotency-Key is remembered, unless configured. */
export const DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3600;

export interface KeyClaim {
  /** The caller: a key belongs to the user who sent it, so another user's same key is another key. */
  userId: string;
  key: string;
  /** Identifies the request's body: the same key with another body is refused. */
  requestHash: string;
  /** What this request creates if the key is new (or expired). */
  orderId: string;
  sagaId: string;
  now: Date;
  ttlSeconds: number;
}

/**
 * Claims the caller's key for this request, or returns the order an earlier request with the key
 * created. The primary key (user_id, key) serialises two requests with one key: the second waits
 * for the first to commit, then finds its row. An expired row is taken over as if it were not
 * there. Same body → the earlier order; another body → ORDERS_IDEMPOTENCY_KEY_REUSED (409).
 */
export async function claimIdempotencyKey(
  trx: Transaction<OrdersDatabase>,
  claim: KeyClaim,
): Promise<{ orderId: string; sagaId: string } | undefined> {
  const expiresAt = new Date(claim.now.getTime() + claim.ttlSeconds * 1000);
  const row = {
    request_hash: claim.requestHash,
    order_id: claim.orderId,
    saga_id: claim.sagaId,
    created_at: claim.now,
    expires_at: expiresAt,
  };
  const claimed = await trx
    .insertInto('idempotency_keys')
    .values({ user_id: claim.userId, key: claim.key, ...row })
    .onConflict((oc) =>
      oc.columns(['user_id', 'key']).doUpdateSet(row).where('idempotency_keys.expires_at', '<=', claim.now),
    )
    .returning('key')
    .executeTakeFirst();
  if (claimed) return undefined;
  const earlier = await trx
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('user_id', '=', claim.userId)
    .where('key', '=', claim.key)
    .executeTakeFirstOrThrow();
  if (earlier.request_hash !== claim.requestHash) throw idempotencyKeyReused(claim.key);
  return { orderId: earlier.order_id, sagaId: earlier.saga_id };
}

/** Deletes the keys expired at `now`; returns how many. */
export async function pruneExpiredKeys(db: Kysely<OrdersDatabase>, now: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Prunes expired keys every `intervalMs`. Expired rows would be taken over anyway when their key
 * comes back; pruning keeps the keys of callers who never come back from piling up. Replicas may
 * all prune: deleting what another replica deleted is a no-op.
 */
export function startKeyPruner(
  deps: { db: Kysely<OrdersDatabase>; clock: () => Date; logger: Logger },
  intervalMs = 10 * 60_000,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = pruneExpiredKeys(deps.db, deps.clock()).catch((err: unknown) =>
      deps.logger.error({ err }, 'pruning expired idempotency keys failed'),
    );
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
