import { type Logger, OutboxRelay } from '@conveyor/events';
import {
  type SagaDatabase,
  type SagaMetricsHooks,
  SagaOrchestrator,
  type SagaState,
  sagaView,
} from '@conveyor/saga';
import { groupName } from '@conveyor/schemas';
import type { Transaction } from 'kysely';
import {
  CREATE_ORDER_SAGA,
  type CreateOrderSagaData,
  type CreateOrderStepTiming,
  createOrderSaga,
} from '../application/create-order.saga.ts';
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
  return new SagaOrchestrator({
    db: sagaView(deps.db),
    kafka: deps.kafka,
    codec: deps.codec,
    definitions: [createOrderSaga(deps.topics, options.stepTiming)],
    repliesTopic: deps.topics.sagaReplies,
    name: 'orders-saga-orchestrator',
    groupId: groupName(deps.namespace, 'orders-saga-orchestrator'),
    clock: deps.clock,
    newId: deps.newId,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    logger: options.logger ?? deps.logger,
    onFinished: async (state: SagaState, trx: Transaction<SagaDatabase>) => {
      if (state.type !== CREATE_ORDER_SAGA || state.status !== 'compensated') return;
      const data = state.data as CreateOrderSagaData;
      await executeOrderCommand(
        deps,
        trx as unknown as Transaction<OrdersDatabase>,
        {
          type: 'CancelOrder',
          data: { orderId: data.orderId, reason: state.failureReason ?? 'the order saga was compensated' },
          metadata: { now: deps.clock().toISOString() },
        },
        { correlationId: state.correlationId },
      );
    },
  });
}

export function createOrdersRelay(deps: OrdersDeps, databaseUrl: string): OutboxRelay<OrdersDatabase> {
  return new OutboxRelay({
    db: deps.db,
    databaseUrl,
    kafka: deps.kafka,
    codec: deps.codec,
    logger: deps.logger,
  });
}
