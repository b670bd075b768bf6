import { EventEmitter } from 'node:events';
import pg from 'pg';

/**
 * Leadership through a session-level Postgres advisory lock held on a dedicated connection.
 * When the holder's process dies its connection closes, Postgres releases the lock, and the next
 * `tryAcquire` of a standby succeeds. Emits `lost` when the holding connection fails.
 */
export class LeaderLock extends EventEmitter {
  private client: pg.Client | undefined;
  private held = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly lockName: string,
  ) {
    super();
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** The connection holding the lock, for LISTEN; undefined unless held. */
  get connection(): pg.Client | undefined {
    return this.held ? this.client : undefined;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    const client = await this.connect();
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
      [this.lockName],
    );
    this.held = rows[0]?.locked === true;
    return this.held;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const wasHeld = this.held;
    this.held = false;
    if (!client) return;
    if (wasHeld)
      await client
        .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.lockName])
        .catch(() => undefined);
    await client.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'conveyor-relay-lock',
    });
    const onGone = () => {
      if (this.client !== client) return;
      this.client = undefined;
      const wasHeld = this.held;
      this.held = false;
      if (wasHeld) this.emit('lost');
    };
    client.on('error', onGone);
    client.on('end', onGone);
    await client.connect();
    this.client = client;
    return client;
  }
}
