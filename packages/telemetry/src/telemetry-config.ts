import { invalidTelemetryEnvironment } from './errors.ts';

/** Tracing on or off for one process, from its environment. */
export type TelemetryConfig =
  | { tracing: false }
  | {
      tracing: true;
      /** Zipkin's base URL; spans go to `<url>/api/v2/spans`. */
      zipkinUrl: string;
    };

/** Turns tracing on (`1`, `true`) or off (`0`, `false`, unset). */
export const TRACING_VARIABLE = 'CONVEYOR_TRACING';
/** Where spans are sent when tracing is on. */
export const ZIPKIN_URL_VARIABLE = 'ZIPKIN_URL';
/** Zipkin's own default address. */
export const DEFAULT_ZIPKIN_URL = 'http://127.0.0.1:9411';

/** Reads CONVEYOR_TRACING and ZIPKIN_URL; a bad value throws naming the variable. */
export function loadTelemetryConfig(env: NodeJS.ProcessEnv): TelemetryConfig {
  const raw = env[TRACING_VARIABLE]?.trim().toLowerCase() ?? '';
  if (raw === '' || raw === '0' || raw === 'false') return { tracing: false };
  if (raw !== '1' && raw !== 'true')
    throw invalidTelemetryEnvironment(
      TRACING_VARIABLE,
      `expected 1, true, 0 or false, got "${env[TRACING_VARIABLE]}"`,
    );
  const zipkinUrl = env[ZIPKIN_URL_VARIABLE]?.trim() || DEFAULT_ZIPKIN_URL;
  let url: URL;
  try {
    url = new URL(zipkinUrl);
  } catch {
    throw invalidTelemetryEnvironment(ZIPKIN_URL_VARIABLE, `expected an http(s) URL, got "${zipkinUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidTelemetryEnvironment(ZIPKIN_URL_VARIABLE, `expected an http(s) URL, got "${zipkinUrl}"`);
  return { tracing: true, zipkinUrl: zipkinUrl.replace(/\/+$/, '') };
}
