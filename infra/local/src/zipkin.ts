import { join } from 'node:path';
import type { InfraConfig } from './config.ts';
import { InfraError } from './errors.ts';
import type { PartStatus, StartedPart } from './part.ts';
import { partStatus, startPart } from './part-start.ts';
import type { ProcessTable } from './processes.ts';
import { fetchFromMaven, helperJvmFlags, requireJava } from './toolchain.ts';
import { answersGet, waitUntil } from './wait.ts';

export const ZIPKIN_VERSION = '3.5.1';
const NAME = 'zipkin';

/** True when Zipkin's health endpoint says UP. */
export function zipkinAnswers(baseUrl: string, timeoutMs = 3_000): Promise<boolean> {
  return answersGet(`${baseUrl}/health`, timeoutMs);
}

function localUrl(config: InfraConfig): string {
  return `http://127.0.0.1:${config.zipkin.port}`;
}

/** Where Zipkin answers once `up` started it (ZIPKIN_URL, else the local one): known before it runs. */
export function zipkinUrlOf(config: InfraConfig): string {
  return config.zipkin.external ?? localUrl(config);
}

/**
 * The trace viewer, started only when tracing is asked for: ZIPKIN_URL when set, else a local
 * Zipkin (the exec jar from Maven Central) on loopback, spans kept in memory.
 */
export async function upZipkin(config: InfraConfig, table: ProcessTable): Promise<StartedPart> {
  if (config.zipkin.external) {
    const url = config.zipkin.external;
    if (!(await zipkinAnswers(url, 10_000)))
      throw new InfraError('INFRA_UNREACHABLE', `ZIPKIN_URL=${url} does not answer GET /health`, {
        part: NAME,
      });
    return { name: NAME, address: url, mode: 'external (ZIPKIN_URL)', started: false };
  }
  const url = localUrl(config);
  if (await zipkinAnswers(url)) {
    const mode = table.running(NAME) ? 'local' : 'local, started elsewhere';
    return { name: NAME, address: url, mode, started: false };
  }
  await table.stop(NAME);

  const java = await requireJava();
  const jar = join(config.cacheDir, `zipkin-${ZIPKIN_VERSION}`, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);
  await fetchFromMaven(config, NAME, 'dependency:copy@zipkin', jar);
  return startPart(config, table, {
    name: NAME,
    executable: java,
    args: [
      ...helperJvmFlags(32, config.zipkin.heapMb),
      // C1 only: Zipkin is a viewer here, and full JIT compilation would cost start time and CPU.
      '-XX:TieredStopAtLevel=1',
      '-jar',
      jar,
      `--armeria.ports[0].ip=127.0.0.1`,
      `--armeria.ports[0].port=${config.zipkin.port}`,
      '--armeria.ports[0].protocols=http',
      // In-memory storage: bounded so that a long run cannot outgrow the small heap.
      '--zipkin.storage.type=mem',
      `--zipkin.storage.mem.max-spans=${config.zipkin.maxSpans}`,
    ],
    address: url,
    probe: () => zipkinAnswers(url),
  });
}

export function zipkinStatus(config: InfraConfig, table: ProcessTable): Promise<PartStatus> {
  const url = zipkinUrlOf(config);
  return partStatus(config, table, {
    name: NAME,
    address: url,
    externalFrom: config.zipkin.external && 'ZIPKIN_URL',
    answers: () => zipkinAnswers(url),
    localMode: 'local, optional (tracing)',
    optional: true,
  });
}

/** A span as Zipkin's v2 API returns it (the fields Conveyor reads). */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/**
 * The id of the newest trace holding a span tagged `tag=value` (a saga id, say), polled until it
 * appears or `timeoutMs` passes (spans reach Zipkin a second or so after they end).
 */
export async function findZipkinTrace(
  zipkinUrl: string,
  query: { serviceName: string; tag: string; value: string },
  timeoutMs = 15_000,
): Promise<string | undefined> {
  const params = new URLSearchParams({
    serviceName: query.serviceName,
    annotationQuery: `${query.tag}=${query.value}`,
    lookback: String(3_600_000),
    limit: '1',
  });
  let found: string | undefined;
  await waitUntil(
    async () => {
      const response = await fetch(`${zipkinUrl}/api/v2/traces?${params}`, {
        signal: AbortSignal.timeout(3_000),
      });
      if (!response.ok) return false;
      const traces: unknown = await response.json();
      const [first] = Array.isArray(traces) ? traces : [];
      found = isSpanList(first) ? first[0]?.traceId : undefined;
      return found !== undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
  return found;
}

/** Every span of one trace (`GET /api/v2/trace/{id}`); empty when Zipkin does not know it. */
export async function zipkinTrace(zipkinUrl: string, traceId: string): Promise<ZipkinSpan[]> {
  const response = await fetch(`${zipkinUrl}/api/v2/trace/${traceId}`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`Zipkin answered ${response.status} for trace ${traceId}`);
  const spans: unknown = await response.json();
  if (!isSpanList(spans)) throw new Error(`Zipkin answered something other than spans for trace ${traceId}`);
  return spans;
}

function isSpanList(value: unknown): value is ZipkinSpan[] {
  return (
    Array.isArray(value) &&
    value.every(
      (span) =>
        typeof span === 'object' &&
        span !== null &&
        typeof Reflect.get(span, 'traceId') === 'string' &&
        typeof Reflect.get(span, 'id') === 'string',
    )
  );
}

/** Where the Zipkin UI shows a trace. */
export function zipkinTraceUrl(zipkinUrl: string, traceId: string): string {
  return `${zipkinUrl}/zipkin/traces/${traceId}`;
}
