import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInfraConfig } from '../src/config.ts';
import { embeddedPostgresHome } from '../src/embedded-postgres-home.ts';
import { postgresAnswers, upPostgres } from '../src/postgres.ts';
import { ProcessTable } from '../src/processes.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// A `mktemp -d` folder is 0700: run as root, the postgres user cannot enter it (issue 16).
describe('embedded Postgres from a folder closed to other users', () => {
  const cacheDir = join(mkdtempSync(join(tmpdir(), 'conveyor-closed-')), '.infra');
  const table = new ProcessTable(join(cacheDir, 'run'));

  afterAll(async () => {
    await table.stop('postgres', 5_000);
    const home = embeddedPostgresHome(cacheDir);
    if (home.movedBecause)
      rmSync(join('/var/tmp/conveyor-embedded-postgres', dirname(cacheDir)), {
        recursive: true,
        force: true,
      });
    rmSync(dirname(cacheDir), { recursive: true, force: true });
  });

  it('starts and answers, as root with its binaries and data moved where the postgres user can reach them', async () => {
    chmodSync(dirname(cacheDir), 0o700);
    const port = await freePort();
    const config = loadInfraConfig({
      CONVEYOR_INFRA_DIR: cacheDir,
      CONVEYOR_POSTGRES: 'embedded',
      CONVEYOR_EMBEDDED_PG_PORT: String(port),
    });
    const part = await upPostgres(config, table);
    expect(part).toMatchObject({ mode: 'embedded', started: true });
    expect(await postgresAnswers(part.address)).toBe(true);
    const home = embeddedPostgresHome(cacheDir);
    // The first closed folder is the checkout's own when it sits in one (a clone in `mktemp -d`).
    if (process.getuid?.() === 0) {
      expect(home.movedBecause).toMatch(/ is closed to the postgres user$/);
      expect(home.dataDir).toBe(join('/var/tmp/conveyor-embedded-postgres', cacheDir, 'data', 'postgres'));
    } else expect(home.dataDir).toBe(join(cacheDir, 'data', 'postgres'));
  });
});
