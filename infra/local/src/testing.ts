import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { InfraEndpoints } from './infra.ts';
import { ensureDatabase } from './postgres.ts';

declare module 'vitest' {
  /** What the integration global setup provides: `inject('infra')`. */
  export interface ProvidedContext {
    infra: InfraEndpoints;
  }
}

export type { InfraEndpoints };

/** A name unique to this test run, safe as a Kafka topic, a database or a subject name. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing connections that are still open on it. */
  drop(): Promise<void>;
}

/** Creates a fresh database on the server for one test (file) and drops it afterwards. */
export async function createTestDatabase(serverUrl: string, prefix = 'conveyor_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix).toLowerCase();
  const url = await ensureDatabase(serverUrl, name);
  return {
    name,
    url,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Polls until the check returns something other than undefined or false, or throws after the
 * timeout with the description and the last error the check threw.
 */
export async function eventually<T>(
  description: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${description}${last ? ` (last error: ${String(last)})` : ''}`,
  );
}
