/**
 * The one set of metric names every Conveyor service exposes on /metrics, the same name for the
 * same thing whichever service it is (dashboards and alerts are written once). Every series also
 * carries the `service` label of its registry.
 */
export const METRIC_NAMES = {
  /** Histogram {method, route, status}: request latency. */
  httpRequestDuration: 'http_request_duration_seconds',
  /** Gauge: outbox rows not yet published. */
  outboxBacklog: 'outbox_backlog_messages',
  /** Gauge: age of the oldest unpublished outbox row. */
  outboxOldestAge: 'outbox_oldest_age_seconds',
  /** Gauge {group, topic}: messages a consumer group has not yet committed past. */
  consumerLag: 'consumer_lag_messages',
  /** Counter {consumer, topic, code}: messages sent to `<topic>.dlq`. */
  deadLetters: 'dead_letters_total',
  /** Gauge {status} (services hosting sagas): saga instances by status. */
  sagaInstances: 'saga_instances',
  /** Histogram {saga, step, action, outcome} (services hosting sagas): command to reply. */
  sagaStepDuration: 'saga_step_duration_seconds',
} as const;

/** What every service has, sagas or not. */
export const SERVICE_METRIC_NAMES = [
  METRIC_NAMES.httpRequestDuration,
  METRIC_NAMES.outboxBacklog,
  METRIC_NAMES.outboxOldestAge,
  METRIC_NAMES.consumerLag,
  METRIC_NAMES.deadLetters,
] as const;

/** What a service hosting sagas adds (orders). */
export const SAGA_METRIC_NAMES = [METRIC_NAMES.sagaInstances, METRIC_NAMES.sagaStepDuration] as const;
