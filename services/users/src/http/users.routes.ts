import { callerOf, mayAccess } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { registerUser, updateUser } from '../application/user-commands.ts';
import { getUser } from '../application/user-queries.ts';
import type { UserView } from '../application/user-rows.ts';
import type { UsersDeps } from '../deps.ts';
import { subjectNotUuid, userNotFound } from '../domain/errors.ts';
import { trimStrings } from './trim-strings.ts';
import {
  CreateUserBody,
  IfMatchHeaders,
  NoQuery,
  Problem,
  UpdateUserBody,
  UserIdParams,
  UserSchema,
} from './user-schemas.ts';

export interface UsersRoutesOptions {
  deps: UsersDeps;
}

const etag = (user: UserView) => `"${user.version}"`;

/** `3` or `"3"` (an ETag we sent) → 3; `*` (any version) → no precondition. */
function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch === '*') return undefined;
  return Number(ifMatch.replaceAll('"', ''));
}

// The canonical form only: the row's id is compared with the token's sub as a string, so a sub in
// upper case would own a record its own token could then not read.
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id of the record the caller registers: their token's sub, one record per sub. */
function registrantOf(request: FastifyRequest): string {
  const { userId } = callerOf(request);
  if (!CANONICAL_UUID.test(userId)) throw subjectNotUuid();
  return userId;
}

/**
 * The id of a record the caller may read or change: their own, or any for an admin. Someone
 * else's answers USERS_NOT_FOUND exactly like a missing one, so ids leak nothing.
 */
function accessibleId(request: FastifyRequest, userId: string): string {
  if (!mayAccess(callerOf(request), userId)) throw userNotFound(userId);
  return userId;
}

/**
 * POST /users (the caller's own record), GET /users/:id and PATCH /users/:id (the owner or an
 * admin).
 */
export const usersRoutes: FastifyPluginAsyncTypebox<UsersRoutesOptions> = async (app, { deps }) => {
  app.addHook('preValidation', async (request) => {
    request.body = trimStrings(request.body);
  });

  app.post(
    '/users',
    {
      schema: {
        summary: 'Register the caller',
        description:
          "The user's id is the token's sub (a UUID): one record per sub, a second registration is a 409.",
        tags: ['users'],
        querystring: NoQuery,
        body: CreateUserBody,
        response: {
          201: UserSchema,
          400: Problem,
          401: Problem,
          403: Problem,
          409: Problem,
          413: Problem,
          415: Problem,
        },
      },
    },
    async (request, reply) => {
      const user = await registerUser(deps, registrantOf(request), request.body, {
        correlationId: request.correlationId,
      });
      return reply.code(201).header('location', `/users/${user.id}`).header('etag', etag(user)).send(user);
    },
  );

  app.get(
    '/users/:id',
    {
      schema: {
        summary: 'Get a user (the caller, or anyone for an admin)',
        tags: ['users'],
        params: UserIdParams,
        querystring: NoQuery,
        response: { 200: UserSchema, 400: Problem, 401: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const user = await getUser(deps, accessibleId(request, request.params.id));
      return reply.header('etag', etag(user)).send(user);
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        summary: 'Change a user’s email, profile or preferences (the caller, or anyone for an admin)',
        description: 'Only the fields given change; a request that changes nothing answers the user as is.',
        tags: ['users'],
        params: UserIdParams,
        headers: IfMatchHeaders,
        querystring: NoQuery,
        body: UpdateUserBody,
        response: {
          200: UserSchema,
          400: Problem,
          401: Problem,
          404: Problem,
          409: Problem,
          413: Problem,
          415: Problem,
        },
      },
    },
    async (request, reply) => {
      const user = await updateUser(deps, accessibleId(request, request.params.id), request.body, {
        correlationId: request.correlationId,
        expectedVersion: expectedVersion(request.headers['if-match']),
      });
      return reply.header('etag', etag(user)).send(user);
    },
  );
};
