import { type QueryCreator, sql } from 'kysely';
import { defineProjection, type IncomingMessage, type ProjectionDefinition } from '../../src/index.ts';
import type { ItemAdded } from './consumer-kit.ts';

export interface ItemCountsTables {
  item_counts: { aggregate_id: string; items: number; last_version: number };
}

type ItemCount = ItemCountsTables['item_counts'];
type ItemMessage = IncomingMessage<'test.item-added', ItemAdded>;

export interface ItemCountsOptions {
  /** One multi-row upsert per run of messages (a batch handler) instead of one per message. */
  batched?: boolean;
  /** Called with each batch handler call's messages before it writes; a throw fails the call. */
  onBatch?: (messages: readonly ItemMessage[]) => void;
}

/** A test read model: how many items each aggregate received, from test.item-added messages. */
export function itemCountsProjection(
  topic: string,
  name = 'test.item-counts',
  { batched = false, onBatch }: ItemCountsOptions = {},
): ProjectionDefinition<ItemCountsTables> {
  return defineProjection<ItemCountsTables, { 'test.item-added': ItemAdded }>({
    name,
    topics: [topic],
    tables: ['item_counts'],
    async createTables(db, schema) {
      await sql`CREATE TABLE ${sql.id(schema, 'item_counts')} (
        aggregate_id text PRIMARY KEY, items int NOT NULL, last_version int NOT NULL
      )`.execute(db);
    },
    handlers: batched ? {} : { 'test.item-added': (message, { db }) => upsert(db, [countOf(message.data)]) },
    batchHandlers: batched
      ? {
          'test.item-added': async (messages, { db }) => {
            onBatch?.(messages);
            await upsert(db, mergedByAggregate(messages));
          },
        }
      : {},
  });
}

const countOf = (item: ItemAdded): ItemCount => ({
  aggregate_id: item.aggregateId,
  items: 1,
  last_version: item.version,
});

/** One row per aggregate, in message order: a multi-row upsert may not update a row twice. */
function mergedByAggregate(messages: readonly ItemMessage[]): ItemCount[] {
  const rows = new Map<string, ItemCount>();
  for (const { data } of messages) {
    const row = rows.get(data.aggregateId);
    rows.set(
      data.aggregateId,
      row ? { ...row, items: row.items + 1, last_version: data.version } : countOf(data),
    );
  }
  return [...rows.values()];
}

async function upsert(db: QueryCreator<ItemCountsTables>, rows: ItemCount[]): Promise<void> {
  await db
    .insertInto('item_counts')
    .values(rows)
    .onConflict((oc) =>
      oc.column('aggregate_id').doUpdateSet((eb) => ({
        items: eb('item_counts.items', '+', eb.ref('excluded.items')),
        last_version: eb.ref('excluded.last_version'),
      })),
    )
    .execute();
}
