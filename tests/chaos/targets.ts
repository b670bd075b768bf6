/**
 * What the faults aim at: which processes host which role, and which consumers read each topic a
 * poison message can be written to. Pure data, read by the schedule, the injector and the checks.
 */
import type { TopicKey } from '@conveyor/schemas';

export type ServiceName = 'users' | 'inventory' | 'payments' | 'orders';

export const SERVICES: readonly ServiceName[] = ['users', 'inventory', 'payments', 'orders'];

export type KillKind = 'kill-consumer' | 'kill-relay' | 'kill-orchestrator' | 'kill-participant';

/**
 * Which processes host which role (see docs/services.md and each service's main.ts). Every replica
 * of a service hosts all of its roles: consumers share partitions, the relay is one elected leader.
 */
export const ROLE_HOSTS: Record<KillKind, { service: ServiceName; role: string }[]> = {
  'kill-consumer': [
    { service: 'orders', role: 'orders-users consumer' },
    { service: 'orders', role: 'orders.order-details projection' },
    { service: 'inventory', role: 'inventory order-confirmations consumer' },
  ],
  'kill-relay': [
    { service: 'users', role: 'users outbox relay' },
    { service: 'orders', role: 'orders outbox relay' },
    { service: 'inventory', role: 'inventory outbox relay' },
    { service: 'payments', role: 'payments outbox relay' },
  ],
  'kill-orchestrator': [{ service: 'orders', role: 'orders saga orchestrator' }],
  'kill-participant': [
    { service: 'inventory', role: 'inventory saga participant' },
    { service: 'payments', role: 'payments saga participant' },
    { service: 'orders', role: 'orders saga participant' },
  ],
};

/**
 * The topics a poison message may be written to, with a message type every reader of the topic
 * handles (a reader without a handler for the type skips the message instead of dead-lettering it)
 * and the consumers and projections that read it: each must dead-letter it to `<topic>.dlq`, under
 * its own name (the `dlq-consumer` header). payments.events has no reader, so it is not here.
 */
export const POISON_TARGETS = {
  usersEvents: {
    type: 'user.created',
    consumers: ['orders-users', 'orders.order-details', 'users.directory'],
  },
  ordersEvents: {
    type: 'order.confirmed',
    consumers: ['inventory-order-confirmations', 'orders.order-details', 'users.directory'],
  },
  inventoryEvents: { type: 'inventory.stock-reserved', consumers: ['inventory.stock-view'] },
  inventoryCommands: { type: 'inventory.reserve-stock', consumers: ['inventory-participant'] },
  paymentsCommands: { type: 'payments.charge', consumers: ['payments-participant'] },
  ordersCommands: { type: 'orders.confirm-order', consumers: ['orders-participant'] },
  sagaReplies: { type: 'saga.reply', consumers: ['orders-saga-orchestrator'] },
} as const satisfies Partial<Record<TopicKey, { type: string; consumers: readonly string[] }>>;

export type PoisonTopic = keyof typeof POISON_TARGETS;
