import type { FastifyInstance } from 'fastify';

/** A dependency probed by /ready (the database, Kafka); resolves when it answers. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthOptions {
  /** What the service cannot serve a request without: /ready is 503 while one is down. */
  checks: Record<string, ReadinessCheck>;
  /**
   * Probed and shown by /ready, without deciding it: what the service's background work needs but
   * its requests do not (Kafka, for a service whose writes go to its outbox). @default {}
   */
  reported?: Record<string, ReadinessCheck>;
  /** Per check. @default 2000 */
  timeoutMs?: number;
}

interface CheckResult {
  status: 'up' | 'down';
  ms: number;
  error?: string;
  /** Present (false) on a reported check: it does not decide /ready. */
  required?: false;
}

/**
 * /health: the process is alive (no dependency checked, so an orchestrator does not restart a
 * service because its database is down). /ready: every required check answered within its
 * timeout; the reported ones are shown beside them.
 */
export function registerHealth(app: FastifyInstance, options: HealthOptions): void {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const probe = async (check: ReadinessCheck): Promise<CheckResult> => {
    const began = Date.now();
    try {
      await withTimeout(check(), timeoutMs);
      return { status: 'up', ms: Date.now() - began };
    } catch (error) {
      return { status: 'down', ms: Date.now() - began, error: errorText(error) };
    }
  };
  const probeAll = (checks: Record<string, ReadinessCheck>) =>
    Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await probe(check)] as const));
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const [required, reported] = await Promise.all([
      probeAll(options.checks),
      probeAll(options.reported ?? {}),
    ]);
    const ready = required.every(([, result]) => result.status === 'up');
    const checks = Object.fromEntries([
      ...required,
      ...reported.map(([name, result]) => [name, { ...result, required: false }] as const),
    ]);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The promise, or a rejection after `ms` (a probe that hangs must not hold its caller). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
