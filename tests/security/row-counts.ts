import pg from 'pg';

/** Rows per table (every schema but the system ones), `schema.table` → count. */
export async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        ORDER BY 1, 2`,
    );
    const counts: Record<string, number> = {};
    for (const { schema, name } of tables.rows) {
      const qualified = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
      const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified}`);
      counts[`${schema}.${name}`] = Number(result.rows[0]?.n);
    }
    return counts;
  } finally {
    await client.end();
  }
}
