import { join } from 'node:path';
import { ensureDatabase, type InfraEndpoints } from '@conveyor/infra-local';
import pg from 'pg';
import { freePort } from './free-port.ts';
import { ServiceProcess } from './service-process.ts';

export const SERVICE_NAMES = ['users', 'inventory', 'payments', 'orders'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export type StackMember = ServiceName | 'gateway';

/** The ports `npm start` uses; tests take free ones. */
export const DEFAULT_PORTS: Record<StackMember, number> = {
  gateway: 3000,
  users: 3001,
  orders: 3002,
  inventory: 3003,
  payments: 3004,
};

export interface DevStackOptions {
  rootDir: string;
  infra: InfraEndpoints;
  /** Databases are `<prefix>_<service>`. @default 'conveyor' */
  databasePrefix?: string;
  /** Topic namespace (CONVEYOR_TOPIC_NAMESPACE). @default '' */
  topicNamespace?: string;
  /** Fixed ports, or 'free' to pick unused ones (tests). @default DEFAULT_PORTS */
  ports?: Record<StackMember, number> | 'free';
  /** Where each process writes its log. */
  logDir: string;
  /** Extra environment per member (e.g. ORDERS_SAGA_STEP_TIMEOUT_MS, JWT_SECRET). */
  env?: Partial<Record<StackMember, NodeJS.ProcessEnv>>;
  /** Start the gateway too. @default true */
  gateway?: boolean;
}

/**
 * The four services and the gateway as separate OS processes, each with its own database on the
 * infra's Postgres, all on one topic namespace. Used by `npm start`, end-to-end and chaos tests.
 */
export class DevStack {
  readonly processes = new Map<StackMember, ServiceProcess>();
  private ports: Record<StackMember, number> = DEFAULT_PORTS;

  constructor(private readonly options: DevStackOptions) {}

  url(member: StackMember): string {
    return `http://127.0.0.1:${this.ports[member]}`;
  }

  databaseName(service: ServiceName): string {
    return `${this.options.databasePrefix ?? 'conveyor'}_${service}`;
  }

  process(member: StackMember): ServiceProcess {
    const p = this.processes.get(member);
    if (!p) throw new Error(`${member} is not part of this stack`);
    return p;
  }

  /** Creates the databases, starts every member and waits until each is ready. */
  async start(): Promise<void> {
    this.ports =
      this.options.ports === 'free' ? await this.freePorts() : (this.options.ports ?? DEFAULT_PORTS);
    const common = {
      ...process.env,
      KAFKA_BROKERS: this.options.infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: this.options.infra.schemaRegistryUrl,
      CONVEYOR_TOPIC_NAMESPACE: this.options.topicNamespace ?? '',
      HOST: '127.0.0.1',
    };
    for (const service of SERVICE_NAMES) {
      const databaseUrl = await ensureDatabase(this.options.infra.databaseUrl, this.databaseName(service));
      this.add(service, `services/${service}/src/main.ts`, '/ready', {
        ...common,
        DATABASE_URL: databaseUrl,
        PORT: String(this.ports[service]),
        ...this.options.env?.[service],
      });
    }
    if (this.options.gateway !== false) {
      this.add('gateway', 'gateway/src/main.ts', '/health', {
        ...common,
        GATEWAY_PORT: String(this.ports.gateway),
        GATEWAY_HOST: '127.0.0.1',
        UPSTREAM_USERS: this.url('users'),
        UPSTREAM_ORDERS: this.url('orders'),
        UPSTREAM_INVENTORY: this.url('inventory'),
        ...this.options.env?.gateway,
      });
    }
    // Services first (they create topics and register schemas), side by side; the gateway last.
    const services = SERVICE_NAMES.map((s) => this.process(s));
    for (const p of services) p.start();
    try {
      await Promise.all(services.map((p) => p.waitReady(120_000)));
      if (this.processes.has('gateway')) {
        this.process('gateway').start();
        await this.process('gateway').waitReady(60_000);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGTERM to every member (gateway first), each drains and exits. */
  async stop(): Promise<void> {
    const order: StackMember[] = ['gateway', 'orders', 'inventory', 'payments', 'users'];
    for (const member of order) await this.processes.get(member)?.stop('SIGTERM');
  }

  /** Drops the stack's databases (tests); the stack must be stopped. */
  async dropDatabases(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.infra.databaseUrl });
    await client.connect();
    try {
      for (const service of SERVICE_NAMES) {
        await client.query(
          `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(this.databaseName(service))} WITH (FORCE)`,
        );
      }
    } finally {
      await client.end();
    }
  }

  /** A connection URL of a service's database (for checks in tests). */
  databaseUrl(service: ServiceName): string {
    const url = new URL(this.options.infra.databaseUrl);
    url.pathname = `/${this.databaseName(service)}`;
    return url.toString();
  }

  private add(member: StackMember, entry: string, readyPath: string, env: NodeJS.ProcessEnv): void {
    this.processes.set(
      member,
      new ServiceProcess({
        name: member,
        entry,
        cwd: this.options.rootDir,
        env,
        readyUrl: `${this.url(member)}${readyPath}`,
        logFile: join(this.options.logDir, `${member}.log`),
      }),
    );
  }

  private async freePorts(): Promise<Record<StackMember, number>> {
    return {
      gateway: await freePort(),
      users: await freePort(),
      orders: await freePort(),
      inventory: await freePort(),
      payments: await freePort(),
    };
  }
}
