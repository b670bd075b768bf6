import type { FastifyReply, FastifyRequest } from 'fastify';
import { badGateway, unforwardable, upstreamBusy, upstreamTimeout, upstreamUnavailable } from '../errors.ts';
import type { Clock } from './balancer.ts';
import { type AttemptEnd, MAX_ATTEMPTS, mayRepeat, retriesAfter } from './retry-policy.ts';
import type { ServicePool } from './service-pool.ts';
import type { UpstreamMetrics } from './upstream-metrics.ts';

/** The per-request options of `reply.from` (@fastify/reply-from, under @fastify/http-proxy). */
export type ReplyFromOptions = NonNullable<Parameters<FastifyReply['from']>[1]>;

export interface ForwardContext {
  pool: ServicePool;
  /** Budget of the whole request at the upstream, retries included. */
  timeoutMs: number;
  /** Budget of a first attempt that another instance may follow (GatewayOptions.upstreamAttemptTimeoutMs). */
  attemptTimeoutMs: number;
  clock: Clock;
  metrics: UpstreamMetrics;
}

/**
 * How an attempt failed before any response: `connect` means the request was never sent,
 * `unsendable` that the upstream client refused to encode it (the caller's fault, not the
 * service's: it never counts against the instance).
 */
export type AttemptFailure = Exclude<AttemptEnd, 'refused'>;

// Methods whose body is not forwarded (fastify ignores it; reply-from refuses to send one).
const NO_BODY = new Set(['GET', 'HEAD']);
// Answers that say the instance cannot serve (draining, overloaded, its own upstream down).
const UNHEALTHY_STATUSES = new Set([502, 503, 504]);
// The instance did not serve the request (a draining fastify answers 503 before any handler).
const REFUSED_STATUS = 503;
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
 * Sends the request to the service, if its bulkhead has room (else 503 GATEWAY_UPSTREAM_BUSY at
 * once): an instance from the balancer (one whose circuit is closed or on probation), within what is
 * left of the timeout. Each outcome feeds that instance's passive health.
 *
 * A request that may be repeated (GET, HEAD, or carrying an Idempotency-Key: retry-policy.ts) goes
 * once more, to another instance, when its attempt could not connect, broke, was answered 503, or
 * got no answer within `attemptTimeoutMs`; the second attempt has what is left of the budget. Any
 * other request is sent once. When no instance can take it: 503 naming the service. A request the
 * upstream client cannot send is the caller's 400, and changes no health.
 */
export function forward(
  context: ForwardContext,
  request: FastifyRequest,
  reply: FastifyReply,
  dest: string,
  options: ReplyFromOptions,
): FastifyReply {
  const { pool, timeoutMs, attemptTimeoutMs, clock, metrics } = context;
  const { service, balancer, bulkhead } = pool;
  if (!bulkhead.tryAcquire()) {
    metrics.bulkheadRejected(service);
    return reply.send(upstreamBusy(service, bulkhead.limit));
  }
  // The place is held until the answer is sent, or the caller has gone.
  reply.raw.once('close', () => bulkhead.release());
  const deadline = clock() + timeoutMs;
  const tried = new Set<string>();
  const repeatable = mayRepeat(request.method, request.headers);
  const body = bodyOption(request);
  // What the reply carried before any attempt: a second attempt starts from it again.
  const ownHeaders = Object.keys(reply.getHeaders());

  const record = (instance: string, healthy: boolean) => {
    if (healthy) balancer.recordSuccess(instance);
    else if (balancer.recordFailure(instance))
      request.log.warn({ service, instance }, 'upstream instance ejected');
  };

  /** Whether an attempt that ended so may be followed by one at another instance, now. */
  const mayRetry = (end: AttemptEnd) =>
    retriesAfter(end, repeatable, tried.size) && balancer.canPick(tried) && deadline - clock() > 0;

  const retry = (end: Exclude<AttemptEnd, 'unsendable'>) => {
    metrics.retried(service, end);
    request.log.info({ service, after: end }, 'upstream attempt repeated on another instance');
    // Retries run in reply-from's callbacks, where a throw would escape Fastify.
    try {
      attempt();
    } catch (error) {
      reply.send(error);
    }
  };

  const attempt = (): void => {
    const instance = balancer.pick(tried);
    if (instance === undefined) {
      reply.send(upstreamUnavailable(service, 'no-healthy-instance', balancer.msUntilRecovery()));
      return;
    }
    const remaining = deadline - clock();
    if (remaining <= 0) {
      reply.send(upstreamTimeout(service, timeoutMs));
      return;
    }
    tried.add(instance);
    // An attempt that another may follow leaves part of the budget to it: a frozen instance
    // (it accepts connections and never answers) then delays the request instead of failing it.
    const followable = repeatable && tried.size < MAX_ATTEMPTS && balancer.canPick(tried);
    const began = performance.now();
    const seconds = () => (performance.now() - began) / 1000;
    reply.from(dest, {
      ...options,
      ...body,
      getUpstream: () => instance,
      timeout: followable ? Math.min(remaining, attemptTimeoutMs) : remaining,
      // reply-from's own retries would go to the same instance (and re-send a GET answered 503
      // up to ten times); ours go to the next instance instead.
      retryDelay: () => null,
      onResponse: (_request, _reply, response) => {
        const status = response.statusCode;
        record(instance, !UNHEALTHY_STATUSES.has(status));
        metrics.attempt(service, instance, `${status}`, seconds());
        if (status === REFUSED_STATUS && mayRetry('refused')) {
          response.stream.destroy();
          for (const name of Object.keys(reply.getHeaders()))
            if (!ownHeaders.includes(name)) reply.removeHeader(name);
          retry('refused');
          return;
        }
        reply.send(response.stream);
      },
      onError: (_reply, { error }) => {
        const failure = classifyFailure(error);
        metrics.attempt(service, instance, failure === 'connect' ? 'connect_error' : failure, seconds());
        if (failure === 'unsendable') {
          request.log.info(
            { service, instance, problem: innermostMessage(error) },
            'request not forwardable',
          );
          reply.send(unforwardable(service, innermostMessage(error)));
          return;
        }
        record(instance, false);
        request.log.warn({ service, instance, failure, err: error }, 'upstream attempt failed');
        if (mayRetry(failure)) {
          retry(failure);
          return;
        }
        reply.send(
          failure === 'timeout'
            ? upstreamTimeout(service, timeoutMs)
            : failure === 'connect'
              ? upstreamUnavailable(service, 'connect-failed')
              : badGateway(service),
        );
      },
    });
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
  return Buffer.isBuffer(request.body) && !NO_BODY.has(request.method);
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
