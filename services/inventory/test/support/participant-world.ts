import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from '@conveyor/events';
import type { MessageType, MessageTypes, StockLine } from '@conveyor/schemas';
import { SEED_PRODUCTS, type SeedProduct } from '../../src/db/seed-products.ts';
import { inventoryCommandHandlers } from '../../src/messaging/inventory-participant.ts';
import { type InventoryService, startInventoryService } from '../../src/service.ts';
import {
  CommandSender,
  createTestEnvironment,
  silentLogger,
  type TestEnvironment,
  TopicReader,
  testKafka,
} from './world.ts';

type Topics = InventoryService['deps']['topics'];

/** The saga headers of a command, as CommandSender.send takes them. */
type SagaOptions = Parameters<CommandSender['send']>[3];

/** A seed product by its SKU (the seed migration loads them with fixed ids and stock). */
export function seedProduct(sku: string): SeedProduct {
  const found = SEED_PRODUCTS.find((p) => p.sku === sku);
  if (!found) throw new Error(`no seed product ${sku}`);
  return found;
}

/**
 * The real inventory service (participant, consumers, relay, app) on a fresh database and topic
 * namespace, with what an orchestrator would do: send saga commands, and read `readTopics`
 * (saga.replies and inventory.events unless told otherwise) from their beginning.
 */
export class InventoryParticipantWorld {
  private constructor(
    readonly environment: TestEnvironment,
    readonly service: InventoryService,
    readonly sender: CommandSender,
    readonly reader: TopicReader,
  ) {}

  static async start(
    readTopics: (topics: Topics) => string[] = (t) => [t.sagaReplies, t.inventoryEvents],
  ): Promise<InventoryParticipantWorld> {
    const environment = await createTestEnvironment();
    const service = await startInventoryService(environment.config, { logger: silentLogger });
    const kafka = testKafka(environment.infra);
    const { topics, codec } = service.deps;
    const sender = await CommandSender.start(kafka, codec);
    const reader = await TopicReader.start(kafka, codec, readTopics(topics));
    return new InventoryParticipantWorld(environment, service, sender, reader);
  }

  get deps() {
    return this.service.deps;
  }

  get topics(): Topics {
    return this.service.deps.topics;
  }

  get db() {
    return this.service.deps.db;
  }

  /** Sends inventory.reserve-stock as the create-order saga does; returns the command id. */
  reserve(orderId: string, items: StockLine[], saga: SagaOptions = {}): Promise<string> {
    return this.sender.send(
      this.topics.inventoryCommands,
      'inventory.reserve-stock',
      { orderId, items },
      saga,
    );
  }

  /** Sends inventory.release-stock, the reserve step's compensation; returns the command id. */
  release(orderId: string, saga: SagaOptions = {}): Promise<string> {
    return this.sender.send(
      this.topics.inventoryCommands,
      'inventory.release-stock',
      { orderId },
      { step: 'reserve-inventory', action: 'compensation', ...saga },
    );
  }

  stockOf(productId: string) {
    return this.db
      .selectFrom('stock')
      .select(['available', 'reserved', 'sold'])
      .where('product_id', '=', productId)
      .executeTakeFirstOrThrow();
  }

  allStock() {
    return this.db.selectFrom('stock').selectAll().orderBy('product_id').execute();
  }

  reservationsOf(orderId: string) {
    return this.db
      .selectFrom('reservations')
      .select(['product_id', 'quantity', 'status'])
      .where('order_id', '=', orderId)
      .orderBy('product_id')
      .execute();
  }

  /** The types of the events in an order's reservation stream, in order. */
  async streamTypes(orderId: string): Promise<string[]> {
    return (await this.deps.store.readStream(`reservation-${orderId}`)).map((e) => e.type);
  }

  /**
   * Calls the participant's handler for a command directly, in a transaction of its own, as the
   * consumer would but without Kafka: for tests that race handlers against each other.
   */
  handle<T extends 'inventory.reserve-stock' | 'inventory.release-stock'>(type: T, data: MessageTypes[T]) {
    const handler = inventoryCommandHandlers(this.deps)[type];
    if (!handler) throw new Error(`inventory has no handler for ${type}`);
    return this.db.transaction().execute((trx) => handler(incoming(type, data), trx));
  }

  async close(): Promise<void> {
    await this.reader.stop();
    await this.sender.stop();
    await this.service.close();
    await this.environment.database.drop();
  }
}

/** A message as a handler receives it, for calling the participant's handlers directly. */
export function incoming<T extends MessageType>(
  type: T,
  data: MessageTypes[T],
): IncomingMessage<T, MessageTypes[T]> {
  const messageId = randomUUID();
  const sagaId = randomUUID();
  return {
    topic: 'direct',
    partition: 0,
    offset: '0',
    key: sagaId,
    type,
    data,
    messageId,
    correlationId: messageId,
    causationId: undefined,
    traceparent: undefined,
    headers: { 'saga-id': sagaId, 'saga-step': 'reserve-inventory', 'saga-action': 'command' },
    timestamp: String(Date.now()),
  };
}
