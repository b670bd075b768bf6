import type { AnyProjection } from '@conveyor/events';

export interface RegisteredProjection {
  service: string;
  definition: AnyProjection;
}

/** Every projection `npm run replay` knows, with the service whose database holds it. */
export function projectionsOf(_namespace: string, orders: AnyProjection[]): RegisteredProjection[] {
  return [...orders.map((definition) => ({ service: 'orders', definition }))];
}
