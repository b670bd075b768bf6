import type { Access } from '@conveyor/http';
import type { preParsingAsyncHookHandler } from 'fastify';
import { roleMissing, unauthorized } from '../errors.ts';

/**
 * Refuses what the route's access (the services' `Access`) does not allow: on a `public` route a
 * valid token still identifies the caller and a bad one is ignored; a token without a role route's
 * role is a 401 (errors.ts, roleMissing). preParsing, so that it runs
 * after every onRequest hook (the rate limit among them) and before the body is read: a refused
 * caller never gets its body parsed.
 */
export function routeGuard(access: Access): preParsingAsyncHookHandler {
  return async (request, _reply, payload) => {
    if (access === 'public') return payload;
    const identity = request.identity;
    if (identity === null)
      throw request.authFailure ?? unauthorized('missing-token', 'this route needs a bearer token');
    if (typeof access === 'object' && !identity.roles.includes(access.role)) throw roleMissing(access.role);
    return payload;
  };
}
