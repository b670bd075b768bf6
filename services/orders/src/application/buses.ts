import type { Identity } from '@conveyor/http';
import type { SagaOrchestrator } from '@conveyor/saga';
import type { OrdersDeps } from '../deps.ts';
import { unknownCommand, unknownQuery } from '../domain/errors.ts';
import { Bus } from './bus.ts';
import {
  type CreateOrderInput,
  type CreateOrderPolicy,
  type CreateOrderResult,
  createOrder,
} from './create-order.ts';
import { getOrder, getUserOrders, type OrderView, type UserOrdersPage } from './order-queries.ts';

export type OrdersCommands = {
  CreateOrder: { input: CreateOrderInput; result: CreateOrderResult };
};

export type OrdersQueries = {
  GetOrder: { input: { orderId: string; caller: Identity }; result: OrderView };
  GetUserOrders: {
    input: { userId: string; caller: Identity; page: number; limit: number };
    result: UserOrdersPage;
  };
};

export type CommandBus = Bus<OrdersCommands>;
export type QueryBus = Bus<OrdersQueries>;

/** The handlers of the orders slice, registered by type. */
export function createBuses(
  deps: OrdersDeps,
  orchestrator: SagaOrchestrator,
  policy: CreateOrderPolicy,
): { commands: CommandBus; queries: QueryBus } {
  const commands = new Bus<OrdersCommands>(unknownCommand).register('CreateOrder', (input) =>
    createOrder(deps, orchestrator, input, policy),
  );
  const queries = new Bus<OrdersQueries>(unknownQuery)
    .register('GetOrder', (input) => getOrder(deps.db, input))
    .register('GetUserOrders', (input) => getUserOrders(deps.db, input));
  return { commands, queries };
}
