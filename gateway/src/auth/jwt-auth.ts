import type { TokenVerifier } from '@conveyor/http';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { type GatewayError, unauthorized } from '../errors.ts';

// `identity` itself is declared on FastifyRequest by @conveyor/http (the services' plugin), with
// the same meaning here: the verified caller, or null.
declare module 'fastify' {
  interface FastifyRequest {
    /** Why the bearer token that came was refused; null when none came or it was valid. */
    authFailure: GatewayError | null;
  }
}

/** Every request starts anonymous; `authenticator` fills in who called, or why the token failed. */
export function decorateIdentity(app: FastifyInstance): void {
  app.decorateRequest('identity', null);
  app.decorateRequest('authFailure', null);
}

/**
 * onRequest: verifies the bearer token when there is one, with the verifier every service uses
 * (one algorithm, `exp` required, bounded lifetime, `iss`/`aud` when configured), and records the
 * identity or why the token was refused. It never refuses by itself: the route's guard does (after
 * the rate limit, which counts per user when the token is valid and per IP otherwise).
 */
export function authenticator(verify: TokenVerifier): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const check = verify(request.headers.authorization);
    if (check.ok) request.identity = check.identity;
    else if (check.reason !== 'missing-token')
      request.authFailure = unauthorized(check.reason, check.description);
  };
}
