import type pg from 'pg';
import { RELAY_IDLE_LOCK } from '../db/migrations.ts';

/**
 * The leading relay's "idle: notify me" flag, RELAY_IDLE_LOCK held on its lock connection. While it
 * is up, the outbox trigger NOTIFYs; while it is down, writers commit without the NOTIFY (which
 * serialises commits) and the relay finds their rows by reading again. It goes down with the
 * connection, so a relay that died leaves no writer notifying for nothing.
 */
export class RelayIdleFlag {
  private raisedOn: pg.Client | undefined;

  isRaisedOn(connection: pg.Client): boolean {
    return this.raisedOn === connection;
  }

  /**
   * Raises the flag unless a writer that did not notify is still in flight (it holds the shared
   * lock until it commits): then false, and the relay should read again shortly.
   */
  async tryRaise(connection: pg.Client): Promise<boolean> {
    const { rows } = await connection.query<{ raised: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS raised',
      [RELAY_IDLE_LOCK],
    );
    if (rows[0]?.raised === true) this.raisedOn = connection;
    return this.raisedOn === connection;
  }

  async lower(connection: pg.Client): Promise<void> {
    if (this.raisedOn !== connection) return;
    this.raisedOn = undefined;
    await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [RELAY_IDLE_LOCK]);
  }
}
