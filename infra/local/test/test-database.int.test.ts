import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../src/testing.ts';

describe('test databases', () => {
  const serverUrl = inject('infra').databaseUrl;

  async function databaseExists(name: string): Promise<boolean> {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      return result.rowCount === 1;
    } finally {
      await client.end();
    }
  }

  it('creates a uniquely named database, uses it, and drops it even with a connection still open', async () => {
    const db = await createTestDatabase(serverUrl);
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined); // the forced drop ends this session
    await client.connect();
    await client.query('CREATE TABLE probe (id int PRIMARY KEY, note text)');
    await client.query("INSERT INTO probe VALUES (1, 'written')");
    const { rows } = await client.query('SELECT note FROM probe WHERE id = 1');
    expect(rows).toEqual([{ note: 'written' }]);
    expect(await databaseExists(db.name)).toBe(true);

    await db.drop();

    expect(await databaseExists(db.name)).toBe(false);
    await client.end().catch(() => undefined);
  });
});
