import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { AvroCodec } from '../codec/avro-codec.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { type Logger, silentLogger } from '../logger.ts';
import { eventsView } from '../outbox/outbox.ts';
import type { ProjectionDefinition } from './projection.ts';
import { type PoisonMessageOptions, poisonMessageOptions } from './projection-options.ts';
import { ProjectionRunner } from './projection-runner.ts';
import { ProjectionStore } from './projection-store.ts';

export interface ProjectionHostOptions<DB extends EventsDatabase> extends PoisonMessageOptions {
  db: Kysely<DB>;
  kafka: Kafka;
  codec: AvroCodec;
  // biome-ignore lint/suspicious/noExplicitAny: table types differ per projection
  definition: ProjectionDefinition<any>;
  logger?: Logger;
  /** Prefix of the runners' consumer groups (the topic namespace). @default '' */
  groupPrefix?: string;
}

/**
 * Keeps a projection's served generation up to date inside a service. When a rebuild switches the
 * served generation, the runner of the old one retires and the host follows the new one from its
 * checkpoints, so no message is skipped in between.
 */
export class ProjectionHost<DB extends EventsDatabase = EventsDatabase> {
  private runner: ProjectionRunner | undefined;
  private stopped = false;
  private following: Promise<void> | undefined;
  private readonly db: Kysely<EventsDatabase>;

  constructor(private readonly options: ProjectionHostOptions<DB>) {
    this.db = eventsView(options.db);
  }

  get name(): string {
    return this.options.definition.name;
  }

  get generation(): number | undefined {
    return this.runner?.generation;
  }

  /**
   * Creates the first generation's tables if there is none yet (the database only): the service's
   * routes read them before the host has joined its group, which needs Kafka. Returns the served
   * generation.
   */
  async prepare(): Promise<number> {
    const { served } = await new ProjectionStore(this.db).ensureFirstGeneration(this.options.definition);
    return served;
  }

  /** Follows the served generation; a start that failed has let go of its consumer (try again). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.run(await this.prepare());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.runner?.stop();
    await this.following;
  }

  private async run(generation: number): Promise<void> {
    const runner = new ProjectionRunner({
      db: this.db,
      kafka: this.options.kafka,
      codec: this.options.codec,
      definition: this.options.definition,
      generation,
      role: 'served',
      logger: this.options.logger ?? silentLogger,
      ...poisonMessageOptions(this.options),
      ...(this.options.groupPrefix ? { groupPrefix: this.options.groupPrefix } : {}),
    });
    this.runner = runner;
    try {
      await runner.start();
    } catch (error) {
      await runner.stop();
      this.runner = undefined;
      throw error;
    }
    this.following = runner.retired.then(async () => {
      if (this.stopped) return;
      const next = await new ProjectionStore(this.db).generations(this.options.definition.name);
      if (next) await this.run(next.served);
    });
  }
}
