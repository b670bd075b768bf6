export { type InfraConfig, loadInfraConfig } from './config.ts';
export { InfraError, type InfraErrorCode, isInfraError } from './errors.ts';
export {
  down,
  endpointEnv,
  type InfraEndpoints,
  logs,
  PART_NAMES,
  status,
  type UpOptions,
  type UpResult,
  up,
} from './infra.ts';
export { KAFKA_VERSION } from './kafka.ts';
export type { PartStatus, StartedPart } from './part.ts';
export { ensureDatabase, redact } from './postgres.ts';
export { APICURIO_VERSION } from './schema-registry.ts';
export {
  findZipkinTrace,
  ZIPKIN_VERSION,
  type ZipkinSpan,
  zipkinAnswers,
  zipkinTrace,
  zipkinTraceUrl,
  zipkinUrlOf,
} from './zipkin.ts';
