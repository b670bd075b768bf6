import type { SagaOrchestrator } from '@conveyor/saga';
import type { OrdersDeps } from '../deps.ts';
import { unknownCommand, unknownQuery } from '../domain/errors.ts';
import { Bus } from './bus.ts';
import { type CreateOrderInput, type CreateOrderResult, createOrder } from './create-order.ts';
import { getOrder, getUserOrders, type OrderView, type UserOrdersPage } from './order-queries.ts';

export type OrdersCommands = {
  CreateOrder: { input: CreateOrderInput; result: CreateOrderResult };
};

export type OrdersQueries = {
  GetOrder: { input: { orderId: string }; result: OrderView };
  GetUserOrders: { input: { userId: string; page: number; limit: number }; result: UserOrdersPage };
};

export type CommandBus = Bus<OrdersCommands>;
export type QueryBus = Bus<OrdersQueries>;

/** The handlers of the orders slice, registered by type. */
export function createBuses(
  deps: OrdersDeps,
  orchestrator: SagaOrchestrator,
): { commands: CommandBus; queries: QueryBus } {
  const commands = new Bus<OrdersCommands>(unknownCommand).register('CreateOrder', (input) =>
    createOrder(deps, orchestrator, input),
  );
  const queries = new Bus<OrdersQueries>(unknownQuery)
    .register('GetOrder', ({ orderId }) => getOrder(deps.db, orderId))
    .register('GetUserOrders', (input) => getUserOrders(deps.db, input));
  return { commands, queries };
}
