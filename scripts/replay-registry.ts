import type { AnyProjection } from '@conveyor/events';
import { inventoryService } from '@conveyor/inventory-service';
import { ordersService } from '@conveyor/orders-service';
import { paymentsService } from '@conveyor/payments-service';
import { usersService } from '@conveyor/users-service';

export interface RegisteredProjection {
  /** The service whose database holds it (`conveyor_<service>`). */
  service: string;
  definition: AnyProjection;
}

/**
 * Every service, as it declares itself to its bootstrap: a projection a service hosts is one
 * `npm run replay` lists and rebuilds, with nothing to register here.
 */
const SERVICES = [ordersService, usersService, inventoryService, paymentsService];

/** Every projection `npm run replay` knows, under a topic namespace. */
export function projectionsOf(namespace: string): RegisteredProjection[] {
  return SERVICES.flatMap((service) =>
    service.projections(namespace).map((definition) => ({ service: service.name, definition })),
  );
}
