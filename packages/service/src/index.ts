export { ServiceAdminErrorCodes } from './admin/admin-errors.ts';
export type { DeadLetterTopic } from './admin/dead-letter-topics.ts';
export { lookupMessages, type MessageLookup } from './admin/message-lookup.ts';
export type { ProjectionStatus, RebuildRun } from './admin/projection-status.ts';
export {
  type DefinedService,
  defineService,
  type ProjectionSource,
  type ServiceDefinition,
  type ServiceParts,
  type StartedService,
  type StartOptions,
  type WireContext,
  type Worker,
} from './define-service.ts';
export { OUTBOX_METRICS } from './internal/outbox-metrics.ts';
export { runMain } from './run-main.ts';
export { type ServiceAppFor, serviceAppFor } from './service-app.ts';
export { loadServiceConfig, type ServiceConfig } from './service-config.ts';
export {
  createServiceDeps,
  type ServiceDeps,
  type ServiceOverrides,
} from './service-deps.ts';
