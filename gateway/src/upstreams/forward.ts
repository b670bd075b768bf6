import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  badGateway,
  type GatewayError,
  unforwardable,
  upstreamTimeout,
  upstreamUnavailable,
} from '../errors.ts';
import type { Clock } from './balancer.ts';
import type { ServicePool } from './service-pool.ts';
import type { UpstreamMetrics } from './upstream-metrics.ts';

/** The per-request options of `reply.from` (@fastify/reply-from, under @fastify/http-proxy). */
export type ReplyFromOptions = NonNullable<Parameters<FastifyReply['from']>[1]>;

export interface ForwardContext {
  pool: ServicePool;
  /** Budget of the whole request at the upstream, retries included. */
  timeoutMs: number;
  clock: Clock;
  metrics: UpstreamMetrics;
}

/**
 * How an attempt failed before any response: `connect` means the request was never sent,
 * `unsendable` that the upstream client refused to encode it (the caller's fault, not the
 * service's: it never counts against the instance or the circuit).
 */
export type AttemptFailure = 'connect' | 'timeout' | 'reset' | 'unsendable';

// Only these are retried on another instance: a POST that failed mid-way may have been applied.
const IDEMPOTENT = new Set(['GET', 'HEAD']);
// Answers that say the instance cannot serve (draining, overloaded, its own upstream down).
const UNHEALTHY_STATUSES = new Set([502, 503, 504]);
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'FST_REPLY_FROM_SERVICE_UNAVAILABLE',
]);
// undici and node:http refusing what the request carries, before a byte of it is written.
const UNSENDABLE_ERRORS = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
]);
const TIMEOUT_ERRORS = new Set([
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
  'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Sends the request to the service: an instance from the balancer, if its circuit lets it pass,
 * within what is left of the timeout. Each outcome feeds the instance's passive health and the
 * circuit. A GET or HEAD whose attempt failed before an answer goes to the next instance; a
 * timeout is not retried (the budget is spent). When no instance can take it: 503 naming the
 * service. A request the upstream client cannot send is the caller's 400, and changes no health.
 */
export function forward(
  context: ForwardContext,
  request: FastifyRequest,
  reply: FastifyReply,
  dest: string,
  options: ReplyFromOptions,
): FastifyReply {
  const { pool, timeoutMs, clock, metrics } = context;
  const { service, balancer, breaker } = pool;
  const deadline = clock() + timeoutMs;
  const tried = new Set<string>();
  const retryable = IDEMPOTENT.has(request.method);
  const body = bodyOption(request);

  const record = (instance: string, healthy: boolean) => {
    if (healthy) {
      balancer.recordSuccess(instance);
      breaker.onSuccess();
    } else {
      if (balancer.recordFailure(instance))
        request.log.warn({ service, instance }, 'upstream instance ejected');
      breaker.onFailure();
    }
  };

  const attempt = (previous?: GatewayError): void => {
    const instance = balancer.pick(tried);
    if (instance === undefined) {
      reply.send(previous ?? upstreamUnavailable(service, 'no-healthy-instance', balancer.msUntilRecovery()));
      return;
    }
    if (!breaker.tryAcquire()) {
      reply.send(upstreamUnavailable(service, 'circuit-open', breaker.msUntilProbe()));
      return;
    }
    const remaining = deadline - clock();
    if (remaining <= 0) {
      reply.send(upstreamTimeout(service, timeoutMs));
      return;
    }
    tried.add(instance);
    const began = performance.now();
    const seconds = () => (performance.now() - began) / 1000;
    reply.from(dest, {
      ...options,
      ...body,
      getUpstream: () => instance,
      timeout: remaining,
      // reply-from's own retries would go to the same instance (and re-send a GET answered 503
      // up to ten times); ours go to the next instance instead.
      retryDelay: () => null,
      onResponse: (_request, _reply, response) => {
        record(instance, !UNHEALTHY_STATUSES.has(response.statusCode));
        metrics.attempt(service, instance, `${response.statusCode}`, seconds());
        reply.send(response.stream);
      },
      onError: (_reply, { error }) => {
        const failure = classifyFailure(error);
        metrics.attempt(service, instance, failure === 'connect' ? 'connect_error' : failure, seconds());
        if (failure === 'unsendable') {
          breaker.release();
          request.log.info(
            { service, instance, problem: innermostMessage(error) },
            'request not forwardable',
          );
          reply.send(unforwardable(service, innermostMessage(error)));
          return;
        }
        record(instance, false);
        request.log.warn({ service, instance, failure, err: error }, 'upstream attempt failed');
        const answer =
          failure === 'timeout'
            ? upstreamTimeout(service, timeoutMs)
            : failure === 'connect'
              ? upstreamUnavailable(service, 'connect-failed')
              : badGateway(service);
        if (failure !== 'timeout' && retryable) safely(() => attempt(answer));
        else reply.send(answer);
      },
    });
  };

  // Retries run in reply-from's callbacks, where a throw would escape Fastify.
  const safely = (run: () => void) => {
    try {
      run();
    } catch (error) {
      reply.send(error);
    }
  };

  attempt();
  return reply;
}

/** Reads the codes of the error reply-from reports and of its causes. */
export function classifyFailure(error: unknown): AttemptFailure {
  const codes = causes(error).map((cause) => cause.code);
  if (codes.some((code) => UNSENDABLE_ERRORS.has(code))) return 'unsendable';
  if (codes.some((code) => TIMEOUT_ERRORS.has(code))) return 'timeout';
  if (codes.some((code) => CONNECT_ERRORS.has(code))) return 'connect';
  return 'reset';
}

/** The error and its causes (reply-from wraps undici's), outermost first. */
function causes(error: unknown): { code: string; message: string }[] {
  const chain: { code: string; message: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = 'code' in current && typeof current.code === 'string' ? current.code : '';
    const message = 'message' in current && typeof current.message === 'string' ? current.message : '';
    chain.push({ code, message });
    current = 'cause' in current ? current.cause : undefined;
  }
  return chain;
}

function innermostMessage(error: unknown): string {
  return causes(error).findLast((cause) => cause.message !== '')?.message ?? 'refused by the HTTP client';
}

/** Whether the request's body goes upstream: only the parsed body of a method that may have one. */
export function sendsBody(request: Pick<FastifyRequest, 'body' | 'method'>): boolean {
  return Buffer.isBuffer(request.body) && !IDEMPOTENT.has(request.method);
}

/**
 * Bodies are parsed at the gateway into the raw bytes (see body-parsers.ts) and sent as they came,
 * each attempt anew: re-serialising parsed JSON would change numbers beyond 2^53 and key order.
 */
function bodyOption(request: FastifyRequest): Pick<ReplyFromOptions, 'body' | 'contentType'> {
  if (!sendsBody(request)) return {};
  return {
    body: request.body,
    contentType: request.headers['content-type'] ?? 'application/octet-stream',
  };
}
