import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { InfraConfig } from './config.ts';
import { InfraError } from './errors.ts';
import type { PartStatus, StartedPart } from './part.ts';
import { partStatus, startPart } from './part-start.ts';
import type { ProcessTable } from './processes.ts';
import { fetchFromMaven, requireJava, run } from './toolchain.ts';

export const KAFKA_VERSION = '3.9.1';
const NAME = 'kafka';

/** True when a metadata request to the brokers succeeds within the timeout. */
export async function kafkaAnswers(brokers: string[], timeoutMs = 3_000): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'conveyor-infra-probe',
    brokers,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await withTimeout(admin.connect(), timeoutMs);
    const cluster = await withTimeout(admin.describeCluster(), timeoutMs);
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Uses KAFKA_BROKERS when set, else starts (or reuses) the local single-node KRaft broker. */
export async function upKafka(config: InfraConfig, table: ProcessTable): Promise<StartedPart> {
  if (config.kafka.external) {
    const brokers = config.kafka.external;
    if (!(await kafkaAnswers(brokers, 10_000))) {
      throw new InfraError(
        'INFRA_UNREACHABLE',
        `KAFKA_BROKERS=${brokers.join(',')} does not answer a metadata request`,
        {
          part: NAME,
        },
      );
    }
    return { name: NAME, address: brokers.join(','), mode: 'external (KAFKA_BROKERS)', started: false };
  }
  const brokers = [`127.0.0.1:${config.kafka.port}`];
  const address = brokers.join(',');
  if (table.running(NAME) && (await kafkaAnswers(brokers))) {
    return { name: NAME, address, mode: 'local', started: false };
  }
  if (await kafkaAnswers(brokers)) {
    // Another checkout (or an earlier session) left a broker on our port: use it rather than fail.
    return { name: NAME, address, mode: 'local, started elsewhere', started: false };
  }
  await table.stop(NAME);

  const java = await requireJava();
  const home = join(config.cacheDir, `kafka-${KAFKA_VERSION}`);
  const libs = join(home, 'libs');
  await fetchFromMaven(
    config,
    NAME,
    'dependency:copy-dependencies',
    join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`),
  );
  const dataDir = join(config.cacheDir, 'data', 'kafka');
  // Configuration lives apart from the downloaded jars, which stay read-only (and shareable).
  const confDir = join(config.cacheDir, 'conf');
  mkdirSync(confDir, { recursive: true });
  const propsFile = writeServerProperties(config, confDir, dataDir);
  const log4jFile = writeLog4j(confDir);
  const classpath = `${libs}/*`;

  if (!existsSync(join(dataDir, 'meta.properties'))) {
    mkdirSync(dataDir, { recursive: true });
    const clusterId = randomBytes(16).toString('base64url');
    const formatArgs = [
      '-cp',
      classpath,
      `-Dlog4j.configuration=file:${log4jFile}`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      propsFile,
      '-g',
    ];
    const result = await run(java, formatArgs, { timeoutMs: 60_000 });
    if (result.code !== 0) {
      throw new InfraError('INFRA_START_FAILED', 'formatting its storage failed', {
        part: NAME,
        command: [java, ...formatArgs].join(' '),
        logTail: result.output.trimEnd().split('\n').slice(-20).join('\n'),
      });
    }
  }

  return startPart(config, table, {
    name: NAME,
    executable: java,
    args: [
      `-Xms128m`,
      `-Xmx${config.kafka.heapMb}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${log4jFile}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      propsFile,
    ],
    address,
    probe: () => kafkaAnswers(brokers),
  });
}

export function kafkaStatus(config: InfraConfig, table: ProcessTable): Promise<PartStatus> {
  const brokers = config.kafka.external ?? [`127.0.0.1:${config.kafka.port}`];
  return partStatus(config, table, {
    name: NAME,
    address: brokers.join(','),
    externalFrom: config.kafka.external && 'KAFKA_BROKERS',
    answers: () => kafkaAnswers(brokers),
  });
}

function writeServerProperties(config: InfraConfig, confDir: string, dataDir: string): string {
  const { port, controllerPort } = config.kafka;
  const props = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': '1',
    // Topics are created explicitly (with their partition count) by the code that owns them.
    'auto.create.topics.enable': 'false',
    'offsets.topic.replication.factor': '1',
    // The default 50 partitions for __consumer_offsets slow the first consumer group down.
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '1',
    // Tests start many short-lived groups; the default 3 s delay would be paid by each.
    'group.initial.rebalance.delay.ms': '0',
    'num.network.threads': '2',
    'num.io.threads': '2',
    'log.retention.hours': '168',
  };
  const file = join(confDir, 'kafka-server.properties');
  writeFileSync(
    file,
    `${Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  return file;
}

function writeLog4j(confDir: string): string {
  const file = join(confDir, 'kafka-log4j.properties');
  writeFileSync(
    file,
    [
      'log4j.rootLogger=WARN, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka.server.KafkaRaftServer=INFO',
      'log4j.logger.kafka.Kafka$=INFO',
      '',
    ].join('\n'),
  );
  return file;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
