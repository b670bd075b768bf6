export { invalidCursor, invalidListFilter, SagaAdminErrorCodes } from './admin/admin-errors.ts';
export { type SagaAdminRoutesOptions, sagaAdminRoutes } from './admin/admin-routes.ts';
export {
  SAGA_LIST_LIMITS,
  type SagaDetailView,
  type SagaListFilter,
  type SagaListItemView,
  type SagaPageView,
  type SagaSummaryView,
  type TimelineEntryView,
} from './admin/admin-schemas.ts';
export type { JourneyMessageView, MessageRecordsView, SagaJourneyView } from './admin/journey-schemas.ts';
export type { MessageSources } from './admin/message-sources.ts';
export { getSaga, listSagas } from './admin/saga-queries.ts';
export { sagaMigrations } from './db/migrations.ts';
export {
  type SagaDatabase,
  type SagaInstancesTable,
  type SagaLogTable,
  type SagaSecretsTable,
  sagaTransaction,
  sagaView,
} from './db/tables.ts';
export {
  type DecideContext,
  type Decision,
  decide,
  type SagaCommand,
  type SagaInput,
  type SagaLogEntry,
  startSaga,
  type Transition,
} from './decide.ts';
export {
  type DefineSagaOptions,
  defineSaga,
  type FinishedSaga,
  type MessageTypeOf,
  type ReplyOf,
  SagaBuilder,
  type StepOptions,
  type TypedSagaDefinition,
} from './define-saga.ts';
export {
  assertValidDefinition,
  type CommandRoute,
  type ErasedData,
  type ResendOptions,
  type SagaDefinition,
  type SagaKey,
  type SagaSecrets,
  type SagaStepDefinition,
} from './definition.ts';
export {
  SagaErrorCodes,
  sagaActionNotAllowed,
  sagaNotFound,
  sagaSecretMissing,
  sagaStepUnknown,
  sagaUnknownType,
  sagaUnknownVersion,
} from './errors.ts';
export { DEFAULT_RESEND, DEFAULT_STEP_DEADLINE_MS } from './resend-schedule.ts';
export { DEFAULT_REPLIES_TOPIC, SAGA_REPLY_TYPE, SagaHeaders } from './saga-headers.ts';
export type { SagaMetricsHooks } from './saga-metrics.ts';
export { SagaOrchestrator } from './saga-orchestrator.ts';
export type {
  SagaAction,
  SagaActionOptions,
  SagaOrchestratorOptions,
  StartSagaOptions,
} from './saga-orchestrator-options.ts';
export {
  type CommandHandler,
  type CommandHandlers,
  createSagaParticipant,
  type SagaParticipantOptions,
} from './saga-participant.ts';
export { type ParticipantResult, readSagaReply, replyTypeOf, sagaReplyMessage } from './saga-replies.ts';
export {
  SAGA_STATUSES,
  type SagaReply,
  type SagaState,
  type SagaStatus,
  type StepState,
  type StepStatus,
  TERMINAL_STATUSES,
} from './saga-state.ts';
export { type SagaLogRow, SagaStore, type StoredSaga } from './saga-store.ts';
export { REDACTED, redactSecrets, requireSecret, secretFieldNames } from './secrets.ts';
