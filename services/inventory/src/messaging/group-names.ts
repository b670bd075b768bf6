/**
 * A consumer group under the topic namespace. kafkajs' group leader assigns only the topics it
 * subscribed to itself, so two environments (or parallel test runs) sharing one Kafka and one
 * group name would starve each other's consumers; a namespace gets groups of its own.
 */
export const namespacedGroup = (namespace: string, name: string) =>
  namespace ? `${namespace}.${name}` : name;
