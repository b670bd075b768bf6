import type { FastifyInstance } from 'fastify';

/** A dependency the service cannot serve without (its database, Kafka); resolves when it answers. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthOptions {
  checks: Record<string, ReadinessCheck>;
  /** Per check. @default 2000 */
  timeoutMs?: number;
}

/**
 * /health: the process is alive (no dependency checked, so an orchestrator does not restart a
 * service because its database is down). /ready: every check answered within its timeout.
 */
export function registerHealth(app: FastifyInstance, options: HealthOptions): void {
  const timeoutMs = options.timeoutMs ?? 2_000;
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => {
        const began = Date.now();
        try {
          await withTimeout(check(), timeoutMs);
          return [name, { status: 'up', ms: Date.now() - began }] as const;
        } catch (error) {
          return [name, { status: 'down', ms: Date.now() - began, error: (error as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([, result]) => result.status === 'up');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
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
