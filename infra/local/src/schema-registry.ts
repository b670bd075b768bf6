import { join } from 'node:path';
import type { InfraConfig } from './config.ts';
import { InfraError } from './errors.ts';
import type { PartStatus, StartedPart } from './part.ts';
import { partStatus, startPart } from './part-start.ts';
import { ensureDatabase } from './postgres.ts';
import type { ProcessTable } from './processes.ts';
import { fetchFromMaven, helperJvmFlags, requireJava } from './toolchain.ts';
import { answersGet } from './wait.ts';

export const APICURIO_VERSION = '3.0.9';
const NAME = 'schema-registry';
/** The registry keeps its schemas in this database, so schema ids outlive a restart like Kafka's data does. */
const REGISTRY_DATABASE = 'conveyor_registry';

/** True when the Confluent-compatible API lists subjects. */
export function registryAnswers(baseUrl: string, timeoutMs = 3_000): Promise<boolean> {
  return answersGet(`${baseUrl}/subjects`, timeoutMs);
}

function localUrl(config: InfraConfig): string {
  return `http://127.0.0.1:${config.registry.port}/apis/ccompat/v7`;
}

/** Uses SCHEMA_REGISTRY_URL when set, else starts (or reuses) Apicurio Registry on Postgres storage. */
export async function upSchemaRegistry(
  config: InfraConfig,
  table: ProcessTable,
  postgresUrl: string,
): Promise<StartedPart> {
  if (config.registry.external) {
    const url = config.registry.external;
    if (!(await registryAnswers(url, 10_000))) {
      throw new InfraError('INFRA_UNREACHABLE', `SCHEMA_REGISTRY_URL=${url} does not answer GET /subjects`, {
        part: NAME,
      });
    }
    return { name: NAME, address: url, mode: 'external (SCHEMA_REGISTRY_URL)', started: false };
  }
  const url = localUrl(config);
  if (table.running(NAME) && (await registryAnswers(url))) {
    return { name: NAME, address: url, mode: 'local', started: false };
  }
  if (await registryAnswers(url)) {
    return { name: NAME, address: url, mode: 'local, started elsewhere', started: false };
  }
  await table.stop(NAME);

  const java = await requireJava();
  const home = join(config.cacheDir, `apicurio-${APICURIO_VERSION}`);
  const jar = join(home, `apicurio-registry-app-${APICURIO_VERSION}-runner.jar`);
  await fetchFromMaven(config, NAME, 'dependency:unpack@apicurio', jar);
  const db = new URL(await ensureDatabase(postgresUrl, REGISTRY_DATABASE));
  return startPart(config, table, {
    name: NAME,
    executable: java,
    args: [
      ...helperJvmFlags(64, config.registry.heapMb),
      `-Dquarkus.http.host=127.0.0.1`,
      `-Dquarkus.http.port=${config.registry.port}`,
      '-Dapicurio.storage.kind=sql',
      '-Dapicurio.storage.sql.kind=postgresql',
      `-Dapicurio.datasource.url=jdbc:postgresql://${db.host}${db.pathname}`,
      `-Dapicurio.datasource.username=${decodeURIComponent(db.username) || 'postgres'}`,
      `-Dapicurio.datasource.password=${decodeURIComponent(db.password)}`,
      '-jar',
      jar,
    ],
    address: url,
    probe: () => registryAnswers(url),
    masked: (command) => command.replace(/(datasource\.password=)\S+/, '$1***'),
  });
}

export function schemaRegistryStatus(config: InfraConfig, table: ProcessTable): Promise<PartStatus> {
  const url = config.registry.external ?? localUrl(config);
  return partStatus(config, table, {
    name: NAME,
    address: url,
    externalFrom: config.registry.external && 'SCHEMA_REGISTRY_URL',
    answers: () => registryAnswers(url),
  });
}
