import type { MessageType } from './messages.generated.ts';

/** Every topic of the shop and the message types it carries (subject per topic and record name). */
const TOPICS = {
  usersEvents: { name: 'users.events', types: ['user.created', 'user.updated'] },
  ordersEvents: { name: 'orders.events', types: ['order.placed', 'order.confirmed', 'order.cancelled'] },
  ordersCommands: { name: 'orders.commands', types: ['orders.confirm-order', 'orders.cancel-order'] },
  inventoryEvents: {
    name: 'inventory.events',
    types: ['inventory.stock-reserved', 'inventory.stock-released', 'inventory.stock-sold'],
  },
  inventoryCommands: {
    name: 'inventory.commands',
    types: ['inventory.reserve-stock', 'inventory.release-stock'],
  },
  paymentsEvents: {
    name: 'payments.events',
    types: ['payments.charged', 'payments.refunded', 'payments.declined'],
  },
  paymentsCommands: { name: 'payments.commands', types: ['payments.charge', 'payments.refund'] },
  // A reply without data is saga.reply; a command that answers with data has <command type>.reply.
  sagaReplies: {
    name: 'saga.replies',
    types: [
      'saga.reply',
      'inventory.reserve-stock.reply',
      'inventory.release-stock.reply',
      'payments.charge.reply',
      'payments.refund.reply',
    ],
  },
} as const satisfies Record<string, { name: string; types: readonly MessageType[] }>;

export type TopicKey = keyof typeof TOPICS;

/** Partitions per topic: keys (aggregate or saga ids) spread over them; order holds per key. */
export const DEFAULT_PARTITIONS = 3;

/**
 * Topic names, optionally under a namespace (`CONVEYOR_TOPIC_NAMESPACE`), so that test runs and
 * several environments can share one Kafka without reading each other's messages.
 */
export function topicNames(namespace = ''): Record<TopicKey, string> {
  const prefix = namespace ? `${namespace}.` : '';
  return Object.fromEntries(Object.entries(TOPICS).map(([key, t]) => [key, `${prefix}${t.name}`])) as Record<
    TopicKey,
    string
  >;
}

/**
 * The topic a message type travels on, under the namespace: the one catalogue entry that lists it
 * (each type is listed once), so that a saga step names its command and not the topic too.
 */
export function messageTopics(namespace = ''): (type: MessageType) => string {
  const prefix = namespace ? `${namespace}.` : '';
  const byType = new Map<string, string>();
  for (const topic of Object.values(TOPICS)) {
    for (const type of topic.types) byType.set(type, `${prefix}${topic.name}`);
  }
  return (type) => {
    const topic = byType.get(type);
    if (topic === undefined) throw new Error(`message type ${type} is on no topic of the catalogue`);
    return topic;
  };
}

/** What to register in the schema registry for the given topics: `[{ topic, types }]`. */
export function topicBindings(
  keys: readonly TopicKey[],
  namespace = '',
): { topic: string; types: string[] }[] {
  const names = topicNames(namespace);
  return keys.map((key) => ({ topic: names[key], types: [...TOPICS[key].types] }));
}

/**
 * A consumer group name under the topic namespace. kafkajs' group leader assigns only the topics it
 * subscribed itself, so two environments sharing one group name on one Kafka would starve each other.
 */
export function groupName(namespace: string, name: string): string {
  return namespace ? `${namespace}.${name}` : name;
}
