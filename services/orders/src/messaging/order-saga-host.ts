import type { Logger } from '@conveyor/events';
import { type SagaMetricsHooks, SagaOrchestrator, sagaView } from '@conveyor/saga';
import { groupName, messageTopics } from '@conveyor/schemas';
import { type CreateOrderStepTiming, createOrderSaga } from '../application/create-order.saga.ts';
import { executeOrderCommand } from '../application/order-writes.ts';
import type { OrdersDatabase } from '../db/tables.ts';
import type { OrdersDeps } from '../deps.ts';

/**
 * The orchestrator of the create-order saga, hosted by orders. When a saga ends compensated, the
 * order is cancelled in the same transaction, with the saga's failure reason.
 */
export function createOrderSagaHost(
  deps: OrdersDeps,
  options: { stepTiming: CreateOrderStepTiming; metrics?: SagaMetricsHooks; logger?: Logger },
): SagaOrchestrator {
  const createOrder = createOrderSaga<OrdersDatabase>({
    topicOf: messageTopics(deps.namespace),
    stepTiming: options.stepTiming,
    cancelOrder: async ({ orderId, reason, correlationId }, trx) => {
      await executeOrderCommand(
        deps,
        trx,
        { type: 'CancelOrder', data: { orderId, reason }, metadata: { now: deps.clock().toISOString() } },
        { correlationId },
      );
    },
  });
  return new SagaOrchestrator({
    db: sagaView(deps.db),
    kafka: deps.kafka,
    codec: deps.codec,
    definitions: [createOrder],
    repliesTopic: deps.topics.sagaReplies,
    name: 'orders-saga-orchestrator',
    groupId: groupName(deps.namespace, 'orders-saga-orchestrator'),
    clock: deps.clock,
    newId: deps.newId,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    logger: options.logger ?? deps.logger,
  });
}
