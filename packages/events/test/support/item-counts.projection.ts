import { sql } from 'kysely';
import type { ProjectionDefinition } from '../../src/index.ts';
import type { ItemAdded } from './consumer-kit.ts';

export interface ItemCountsTables {
  item_counts: { aggregate_id: string; items: number; last_version: number };
}

/** A test read model: how many items each aggregate received, from test.item-added messages. */
export function itemCountsProjection(
  topic: string,
  name = 'test.item-counts',
): ProjectionDefinition<ItemCountsTables> {
  return {
    name,
    topics: [topic],
    tables: ['item_counts'],
    async createTables(db, schema) {
      await sql`CREATE TABLE ${sql.id(schema, 'item_counts')} (
        aggregate_id text PRIMARY KEY, items int NOT NULL, last_version int NOT NULL
      )`.execute(db);
    },
    handlers: {
      'test.item-added': async (message, { db }) => {
        const item = message.data as ItemAdded;
        await db
          .insertInto('item_counts')
          .values({ aggregate_id: item.aggregateId, items: 1, last_version: item.version })
          .onConflict((oc) =>
            oc.column('aggregate_id').doUpdateSet((eb) => ({
              items: eb('item_counts.items', '+', 1),
              last_version: eb.ref('excluded.last_version'),
            })),
          )
          .execute();
      },
    },
  };
}
