import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../errors.ts';
import type { Identity, TokenVerifier } from './token-verifier.ts';

/**
 * Who may call a route: anyone (`public`), any caller with a valid token (`user`, the default),
 * or only callers whose token has the role. Declared per route as `config: { access }`.
 */
export type Access = 'public' | 'user' | { role: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** @default 'user' */
    access?: Access;
  }
  interface FastifyRequest {
    /** The verified caller; null only on public routes called without a valid token. */
    identity: Identity | null;
  }
}

export const ADMIN_ROLE = 'admin';

// What an orchestrator, a scraper and a browser need without a token.
const INFRASTRUCTURE = /^\/(health|ready|metrics|docs)(\/|$)/;

const REALM = 'Bearer realm="conveyor"';

/**
 * Verifies the caller's bearer token on every request, before its body is parsed or validated, and
 * refuses what the route's access does not allow: 401 without a valid token (also for unknown
 * routes, so a stranger cannot map them), 403 without the role. Identity comes from the token
 * only, never from a header a caller can set.
 */
export function registerIdentity(app: FastifyInstance, verify: TokenVerifier): void {
  app.decorateRequest('identity', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = accessOf(request);
    const check = verify(request.headers.authorization);
    if (check.ok) request.identity = check.identity;
    if (access === 'public') return;
    if (!check.ok) {
      reply.header(
        'www-authenticate',
        check.reason === 'missing-token'
          ? REALM
          : `${REALM}, error="invalid_token", error_description="${check.description.replaceAll('"', "'")}"`,
      );
      throw unauthorized(check.reason, check.description);
    }
    if (typeof access === 'object' && !check.identity.roles.includes(access.role)) {
      reply.header('www-authenticate', `${REALM}, error="insufficient_scope"`);
      throw forbidden(access.role);
    }
  });
}

function accessOf(request: FastifyRequest): Access {
  const declared = request.routeOptions.config.access;
  if (declared !== undefined) return declared;
  const url = request.routeOptions.url;
  return url !== undefined && INFRASTRUCTURE.test(url) ? 'public' : 'user';
}

/** The verified caller of a route that is not public. */
export function callerOf(request: FastifyRequest): Identity {
  if (request.identity === null) throw unauthorized('missing-token', 'this route needs a bearer token');
  return request.identity;
}

export function isAdmin(identity: Identity): boolean {
  return identity.roles.includes(ADMIN_ROLE);
}

/**
 * Object-level authorization: whether the caller may see or change what belongs to `ownerId`.
 * A caller who may not is answered 404 like a missing record, so ids of others leak nothing.
 */
export function mayAccess(identity: Identity, ownerId: string): boolean {
  return identity.userId === ownerId || isAdmin(identity);
}
