import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerUser, updateUser } from '../application/user-commands.ts';
import { getUser } from '../application/user-queries.ts';
import type { UserView } from '../application/user-rows.ts';
import type { UsersDeps } from '../deps.ts';
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

/** POST /users, GET /users/:id, PATCH /users/:id. */
export const usersRoutes: FastifyPluginAsyncTypebox<UsersRoutesOptions> = async (app, { deps }) => {
  app.addHook('preValidation', async (request) => {
    request.body = trimStrings(request.body);
  });

  app.post(
    '/users',
    {
      schema: {
        summary: 'Register a user',
        tags: ['users'],
        querystring: NoQuery,
        body: CreateUserBody,
        response: { 201: UserSchema, 400: Problem, 409: Problem, 413: Problem, 415: Problem },
      },
    },
    async (request, reply) => {
      const user = await registerUser(deps, request.body, { correlationId: request.correlationId });
      return reply.code(201).header('location', `/users/${user.id}`).header('etag', etag(user)).send(user);
    },
  );

  app.get(
    '/users/:id',
    {
      schema: {
        summary: 'Get a user',
        tags: ['users'],
        params: UserIdParams,
        querystring: NoQuery,
        response: { 200: UserSchema, 400: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const user = await getUser(deps, request.params.id);
      return reply.header('etag', etag(user)).send(user);
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        summary: 'Change a user’s email, profile or preferences',
        description: 'Only the fields given change; a request that changes nothing answers the user as is.',
        tags: ['users'],
        params: UserIdParams,
        headers: IfMatchHeaders,
        querystring: NoQuery,
        body: UpdateUserBody,
        response: { 200: UserSchema, 400: Problem, 404: Problem, 409: Problem, 413: Problem, 415: Problem },
      },
    },
    async (request, reply) => {
      const user = await updateUser(deps, request.params.id, request.body, {
        correlationId: request.correlationId,
        expectedVersion: expectedVersion(request.headers['if-match']),
      });
      return reply.header('etag', etag(user)).send(user);
    },
  );
};
