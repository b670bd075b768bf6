import { randomUUID } from 'node:crypto';
import { bearer } from '@conveyor/http/testing';
import type { OrdersWorld } from './orders-world.ts';

// What the orders HTTP specs share: products, an address, an admin caller, and users orders knows.
export const address = { street: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' };
export const productA = '2f6c1f0e-3a39-4c1a-9d1e-6a5b2f9b0a01';
export const productB = '2f6c1f0e-3a39-4c1a-9d1e-6a5b2f9b0a02';

export const ADMIN = bearer(randomUUID(), ['admin']);

/** A user orders knows, as if user.created had arrived. */
export async function knownUser(world: OrdersWorld, email = 'ada@example.com'): Promise<string> {
  const userId = randomUUID();
  await world.deps.db
    .insertInto('order_users')
    .values({
      user_id: userId,
      email,
      first_name: 'Ada',
      last_name: 'Lovelace',
      language: 'en',
      updated_at: new Date(),
    })
    .execute();
  return userId;
}
