import { ADMIN_ROLE } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { listDirectory } from '../application/directory-queries.ts';
import type { UsersDatabase } from '../db/tables.ts';
import { DIRECTORY_PAGE_LIMITS, DirectoryPage, DirectoryQuery } from './directory-schemas.ts';
import { trimStrings } from './trim-strings.ts';
import { Problem } from './user-schemas.ts';

export interface DirectoryRoutesOptions {
  db: Kysely<UsersDatabase>;
}

/** GET /directory: the users.directory read model, a page at a time; every user's email, so admins only. */
export const directoryRoutes: FastifyPluginAsyncTypebox<DirectoryRoutesOptions> = async (app, { db }) => {
  // Like bodies, the search is trimmed before validation: `?q=%20` is refused as empty.
  app.addHook('preValidation', async (request) => {
    request.query = trimStrings(request.query);
  });

  app.get(
    '/directory',
    {
      config: { access: { role: ADMIN_ROLE } },
      schema: {
        summary: 'List users by name, optionally by a prefix of their email or last name',
        description:
          'Served by the users.directory projection (rebuildable by replay), so a change can show a moment later.',
        tags: ['directory'],
        querystring: DirectoryQuery,
        response: { 200: DirectoryPage, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    (request) => {
      const { page = 1, limit = DIRECTORY_PAGE_LIMITS.defaultLimit, q } = request.query;
      return listDirectory(db, { page, limit, ...(q === undefined ? {} : { q }) });
    },
  );
};
