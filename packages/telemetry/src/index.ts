export { TelemetryError, type TelemetryErrorCode, TelemetryErrorCodes } from './errors.ts';
export { bootTelemetry, startTelemetry, type Telemetry } from './start-telemetry.ts';
export {
  DEFAULT_ZIPKIN_URL,
  loadTelemetryConfig,
  type TelemetryConfig,
  TRACING_VARIABLE,
  ZIPKIN_URL_VARIABLE,
} from './telemetry-config.ts';
export { formatTraceparent, parseTraceparent, type TraceParent } from './traceparent.ts';
export {
  activeTraceparent,
  annotateActiveSpan,
  type ConveyorSpanKind,
  type ConveyorSpanOptions,
  inSpan,
  type OpenSpan,
  openSpan,
  traceLogFields,
  tracingEnabled,
} from './tracing.ts';
