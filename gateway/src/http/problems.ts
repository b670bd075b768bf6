import { STATUS_CODES } from 'node:http';
import { INVALID_REQUEST_CODE, PROBLEM_CONTENT_TYPE, type ProblemDetails, sendProblem } from '@conveyor/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type GatewayError, isGatewayError, routeNotFound } from '../errors.ts';

/**
 * The gateway's own errors become problems with their message and details, 5xx included (a 503
 * names the service that is down: the caller can act on it, and it reveals no internals). Anything
 * else goes through the services' mapper, so the gateway's 400 and 413 read like theirs.
 */
export function gatewayErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (isGatewayError(error)) {
    for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value);
    return reply.code(error.statusCode).type(PROBLEM_CONTENT_TYPE).send(gatewayProblem(error, request.url));
  }
  // @fastify/http-proxy and reply-from refuse path traversal with a plain Error and a 400 status.
  if (
    error instanceof Error &&
    'statusCode' in error &&
    typeof error.statusCode === 'number' &&
    error.statusCode >= 400 &&
    error.statusCode < 500 &&
    !('code' in error && typeof error.code === 'string')
  ) {
    const { statusCode, message } = error;
    return sendProblem({ code: INVALID_REQUEST_CODE, statusCode, message }, request, reply);
  }
  return sendProblem(error, request, reply);
}

export function gatewayNotFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return gatewayErrorHandler(routeNotFound(request.method, request.url.split('?')[0] ?? ''), request, reply);
}

export function gatewayProblem(error: GatewayError, instance: string): ProblemDetails {
  return {
    type: `urn:conveyor:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: STATUS_CODES[error.statusCode] ?? 'Error',
    status: error.statusCode,
    detail: error.message,
    code: error.code,
    instance,
    ...(Object.keys(error.details).length > 0 ? { details: error.details } : {}),
  };
}
