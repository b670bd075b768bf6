import { callerOf } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CommandBus, QueryBus } from '../application/buses.ts';
import {
  Accepted,
  CreateOrderBody,
  CreateOrderHeaders,
  OrderIdParams,
  PageQuery,
  UserIdParams,
} from './schemas.ts';

export interface OrdersRoutesOptions {
  commands: CommandBus;
  queries: QueryBus;
}

/**
 * POST /orders (for the caller), GET /orders/:id and GET /users/:userId/orders (the owner or an
 * admin). Every route needs a valid token; who is calling comes from it, never from the body.
 */
export const ordersRoutes: FastifyPluginAsyncTypebox<OrdersRoutesOptions> = async (
  app,
  { commands, queries },
) => {
  app.post(
    '/orders',
    {
      schema: {
        summary: 'Place an order for the caller: starts the create-order saga and answers before it ends',
        headers: CreateOrderHeaders,
        body: CreateOrderBody,
        response: { 202: Accepted },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await commands.dispatch('CreateOrder', {
        ...request.body,
        userId: callerOf(request).userId,
        ...(key ? { idempotencyKey: key } : {}),
        correlationId: request.correlationId,
      });
      const statusUrl = `/orders/${result.orderId}`;
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply
        .code(202)
        .header('location', statusUrl)
        .send({ orderId: result.orderId, sagaId: result.sagaId, status: 'pending', statusUrl });
    },
  );

  app.get(
    '/orders/:id',
    { schema: { summary: 'An order with its saga (its user or an admin)', params: OrderIdParams } },
    async (request) =>
      queries.dispatch('GetOrder', { orderId: request.params.id, caller: callerOf(request) }),
  );

  app.get(
    '/users/:userId/orders',
    {
      schema: {
        summary: "A page of the user's orders, newest first (the user or an admin)",
        params: UserIdParams,
        querystring: PageQuery,
      },
    },
    async (request) =>
      queries.dispatch('GetUserOrders', {
        userId: request.params.userId,
        caller: callerOf(request),
        ...request.query,
      }),
  );
};
