// The gateway reads thrown values as the services do, without depending on @conveyor/events itself.
export { errorMessage } from '@conveyor/events';
export { CORRELATION_HEADER, correlationIdOf, registerCorrelation } from './correlation.ts';
export {
  A_YEAR_MS,
  type EnvReader,
  envReader,
  LOG_LEVELS,
  type LogLevel,
  type WholeNumberRange,
} from './env.ts';
export {
  forbidden,
  type HttpErrorCode,
  HttpErrorCodes,
  invalidEnvironment,
  unauthorized,
} from './errors.ts';
export {
  type Access,
  ADMIN_ROLE,
  callerOf,
  isAdmin,
  mayAccess,
  registerIdentity,
} from './identity/identity-plugin.ts';
export {
  DEVELOPMENT_JWT_SECRET,
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  type JwtSigningKey,
  type JwtVerificationKey,
  MIN_SECRET_LENGTH,
} from './identity/jwt-keys.ts';
export {
  DEFAULT_MAX_LIFETIME_SECONDS,
  type JwtClaimRules,
  type JwtSettings,
  loadJwtClaimRules,
  loadJwtSettings,
  loadSigningKey,
  loadVerificationKey,
  usesDevelopmentSecret,
} from './identity/jwt-settings.ts';
export { signToken, type TokenClaims, type TokenTiming } from './identity/token-signer.ts';
export {
  createTokenVerifier,
  type Identity,
  type TokenCheck,
  type TokenFailureReason,
  type TokenVerifier,
} from './identity/token-verifier.ts';
export { METRIC_NAMES, SAGA_METRIC_NAMES, SERVICE_METRIC_NAMES } from './metric-names.ts';
export {
  Counter,
  createMetricsRegistry,
  deadLetterCounter,
  Gauge,
  Histogram,
  type Registry,
  registerMetrics,
} from './metrics.ts';
export {
  DATABASE_UNAVAILABLE_CODE,
  type FieldProblem,
  INTERNAL_ERROR_CODE,
  INVALID_REQUEST_CODE,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  sendProblem,
  toProblem,
} from './problem-details.ts';
export { type HealthOptions, type ReadinessCheck, registerHealth, withTimeout } from './readiness.ts';
export { createServiceApp, type ServiceAppOptions } from './service-app.ts';
export {
  createLogger,
  type ListenOptions,
  type RunningService,
  runService,
  type Stoppable,
} from './service-runtime.ts';
export { conveyorValidatorCompiler } from './validator.ts';
