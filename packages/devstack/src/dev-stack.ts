import { join } from 'node:path';
import { ensureDatabase, type InfraEndpoints } from '@conveyor/infra-local';
import pg from 'pg';
import { freePort } from './free-port.ts';
import { DEFAULT_REPLICAS, isReplicaCount, ReplicasError } from './replicas.ts';
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
  /**
   * Fixed ports, or 'free' to pick unused ones (tests). Replica r of a service listens on its
   * port + REPLICA_PORT_STEP × r. @default DEFAULT_PORTS
   */
  ports?: Record<StackMember, number> | 'free';
  /**
   * Processes of each service (an integer from 1 to MAX_REPLICAS), each on its own port, all on the
   * service's one database and the stack's topic namespace; the gateway, one process, balances over
   * every replica. @default 1
   */
  replicas?: number;
  /** Where each process writes its log (`<process name>.log`). */
  logDir: string;
  /** Extra environment per member, the same for each of its replicas (e.g. JWT_SECRET). */
  env?: Partial<Record<StackMember, NodeJS.ProcessEnv>>;
  /** Start the gateway too. @default true */
  gateway?: boolean;
}

/** How far apart the fixed ports of one service's replicas are: 3001, 3011, 3021 … for users. */
export const REPLICA_PORT_STEP = 10;

const MEMBERS: readonly StackMember[] = ['gateway', ...SERVICE_NAMES];

/**
 * The four services and the gateway as separate OS processes, each service with its own database
 * on the infra's Postgres, all on one topic namespace. With `replicas` > 1, each service runs that
 * many identical processes (their relays elect one leader per database, their consumers share the
 * partitions of one group each) behind the one gateway. Used by `npm start`, end-to-end and chaos
 * tests.
 */
export class DevStack {
  /** Every process by name: `users` (or `users-0`, `users-1` … with replicas), `gateway`. */
  readonly processes = new Map<string, ServiceProcess>();
  /** Processes of each service, with one replica or more. */
  readonly replicas: number;
  private readonly byMember = new Map<StackMember, ServiceProcess[]>();
  private ports: Record<StackMember, number[]>;

  constructor(private readonly options: DevStackOptions) {
    const replicas = options.replicas ?? DEFAULT_REPLICAS;
    if (!isReplicaCount(replicas)) throw new ReplicasError('DevStackOptions.replicas', replicas);
    this.replicas = replicas;
    this.ports = this.fixedPorts(options.ports === 'free' ? DEFAULT_PORTS : (options.ports ?? DEFAULT_PORTS));
  }

  /** The base URL of one replica of a member (the gateway has one). */
  url(member: StackMember, replica = 0): string {
    const port = this.ports[member][replica];
    if (port === undefined) throw noSuchReplica(member, replica, this.ports[member].length);
    return `http://127.0.0.1:${port}`;
  }

  /** The base URLs of every replica of a member, in replica order. */
  urls(member: StackMember): string[] {
    return this.ports[member].map((_, replica) => this.url(member, replica));
  }

  databaseName(service: ServiceName): string {
    return `${this.options.databasePrefix ?? 'conveyor'}_${service}`;
  }

  /** One replica's process; throws when the stack has no such member or replica. */
  process(member: StackMember, replica = 0): ServiceProcess {
    const p = this.byMember.get(member)?.[replica];
    if (!p) throw noSuchReplica(member, replica, this.byMember.get(member)?.length ?? 0);
    return p;
  }

  /** Every replica of a member, in replica order (empty when it is not part of the stack). */
  replicasOf(member: StackMember): ServiceProcess[] {
    return [...(this.byMember.get(member) ?? [])];
  }

  /** Creates the databases, starts every process and waits until each is ready. */
  async start(): Promise<void> {
    this.processes.clear();
    this.byMember.clear();
    if (this.options.ports === 'free') this.ports = await this.freePorts();
    const common = {
      ...process.env,
      KAFKA_BROKERS: this.options.infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: this.options.infra.schemaRegistryUrl,
      CONVEYOR_TOPIC_NAMESPACE: this.options.topicNamespace ?? '',
      HOST: '127.0.0.1',
    };
    for (const service of SERVICE_NAMES) {
      const databaseUrl = await ensureDatabase(this.options.infra.databaseUrl, this.databaseName(service));
      for (let replica = 0; replica < this.replicas; replica++) {
        // Not /ready: a service serves before its consumers have joined their groups; a stack is
        // started when its messages flow too.
        this.add(service, replica, `services/${service}/src/main.ts`, '/ready/messaging', {
          ...common,
          DATABASE_URL: databaseUrl,
          PORT: String(this.ports[service][replica]),
          // Orders' saga journey asks the participants' admin APIs about a saga's messages.
          ...(service === 'orders'
            ? { ADMIN_PEER_URLS: [...this.urls('inventory'), ...this.urls('payments')].join(',') }
            : {}),
          ...poolSizeFor(service, this.replicas),
          ...this.options.env?.[service],
        });
      }
    }
    if (this.options.gateway !== false) {
      this.add('gateway', 0, 'gateway/src/main.ts', '/health', {
        ...common,
        GATEWAY_PORT: String(this.ports.gateway[0]),
        GATEWAY_HOST: '127.0.0.1',
        UPSTREAM_USERS: this.urls('users').join(','),
        UPSTREAM_ORDERS: this.urls('orders').join(','),
        UPSTREAM_INVENTORY: this.urls('inventory').join(','),
        ...this.options.env?.gateway,
      });
    }
    // Services first (they create topics and register schemas): the first replica of each side
    // by side, then the others, so that no two processes of one service migrate and register the
    // same subjects at once. The gateway last.
    const first = SERVICE_NAMES.map((s) => this.process(s, 0));
    const others = SERVICE_NAMES.flatMap((s) => this.replicasOf(s).slice(1));
    try {
      for (const wave of [first, others]) {
        for (const p of wave) p.start();
        await Promise.all(wave.map((p) => p.waitReady(120_000)));
      }
      if (this.byMember.has('gateway')) {
        this.process('gateway').start();
        await this.process('gateway').waitReady(60_000);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGTERM to every process (the gateway first, then each service's replicas together); each drains and exits. */
  async stop(): Promise<void> {
    const order: StackMember[] = ['gateway', 'orders', 'inventory', 'payments', 'users'];
    for (const member of order) await Promise.all(this.replicasOf(member).map((p) => p.stop('SIGTERM')));
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

  private add(
    member: StackMember,
    replica: number,
    entry: string,
    readyPath: string,
    env: NodeJS.ProcessEnv,
  ): void {
    const name = member === 'gateway' || this.replicas === 1 ? member : `${member}-${replica}`;
    const p = new ServiceProcess({
      name,
      entry,
      cwd: this.options.rootDir,
      env,
      readyUrl: `${this.url(member, replica)}${readyPath}`,
      logFile: join(this.options.logDir, `${name}.log`),
    });
    this.processes.set(name, p);
    this.byMember.set(member, [...(this.byMember.get(member) ?? []), p]);
  }

  private count(member: StackMember): number {
    return member === 'gateway' ? 1 : this.replicas;
  }

  private fixedPorts(base: Record<StackMember, number>): Record<StackMember, number[]> {
    return this.layout((member, replica) => base[member] + REPLICA_PORT_STEP * replica);
  }

  private async freePorts(): Promise<Record<StackMember, number[]>> {
    // Each probe frees its port at once, so the OS may hand one out twice: ask again until distinct.
    const free: number[] = [];
    const total = MEMBERS.reduce((sum, member) => sum + this.count(member), 0);
    while (free.length < total) {
      const port = await freePort();
      if (!free.includes(port)) free.push(port);
    }
    return this.layout(() => free.shift() ?? 0);
  }

  private layout(portOf: (member: StackMember, replica: number) => number): Record<StackMember, number[]> {
    const of = (member: StackMember) =>
      Array.from({ length: this.count(member) }, (_, replica) => portOf(member, replica));
    return {
      gateway: of('gateway'),
      users: of('users'),
      orders: of('orders'),
      inventory: of('inventory'),
      payments: of('payments'),
    };
  }
}

function noSuchReplica(member: StackMember, replica: number, count: number): Error {
  return new Error(
    count === 0
      ? `${member} is not part of this stack`
      : `${member} has no replica ${replica} (this stack runs ${count})`,
  );
}

/**
 * Connections per process when replicas share one Postgres (the machine's allows 100, the schema
 * registry takes up to 20): at the services' defaults two replicas of each took 100 and orders
 * answered 500 "too many clients". One replica keeps the defaults.
 */
function poolSizeFor(service: ServiceName, replicas: number): NodeJS.ProcessEnv {
  if (replicas < 2) return {};
  const perService = service === 'orders' ? 24 : 12;
  return { DATABASE_POOL_MAX: String(Math.max(2, Math.floor(perService / replicas))) };
}
