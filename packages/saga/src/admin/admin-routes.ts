import { conveyorValidatorCompiler, sendProblem } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { SagaDatabase } from '../db/tables.ts';
import type { SagaAction, SagaOrchestrator } from '../saga-orchestrator.ts';
import {
  AbortBody,
  SagaDetail,
  SagaIdParams,
  SagaListQuery,
  SagaPage,
  SagaSummary,
} from './admin-schemas.ts';
import { getSaga, listSagas, summary } from './saga-queries.ts';

export interface SagaAdminRoutesOptions {
  /** Carries out retry, abort and replay, each in one transaction with its log rows and commands. */
  orchestrator: SagaOrchestrator;
  /** The database the orchestrator writes to, for the read side. */
  db: Kysely<SagaDatabase>;
  /** Reference time of the age filter and `ageMs`. @default () => new Date() */
  clock?: () => Date;
}

/**
 * The saga admin API: list, show with timeline, retry, abort, replay compensations. Encapsulated
 * (not wrapped in fastify-plugin): its validator and problem+json error handler apply to these
 * routes only, whatever the host configured. Authorisation (role admin) is the gateway's job.
 */
export const sagaAdminRoutes: FastifyPluginAsyncTypebox<SagaAdminRoutesOptions> = async (app, options) => {
  const { orchestrator, db } = options;
  const clock = options.clock ?? (() => new Date());
  // TypeBox's own checker refuses unknown properties instead of silently dropping them (Ajv's
  // removeAdditional default), and does not depend on the host's Ajv options.
  app.setValidatorCompiler(conveyorValidatorCompiler);
  app.setErrorHandler(sendProblem);

  app.get(
    '/admin/sagas',
    { schema: { querystring: SagaListQuery, response: { 200: SagaPage } } },
    (request) => listSagas(db, request.query, clock()),
  );

  app.get(
    '/admin/sagas/:id',
    { schema: { params: SagaIdParams, response: { 200: SagaDetail } } },
    (request) => getSaga(db, request.params.id, clock()),
  );

  const act = async (id: string, action: SagaAction, reason?: string) =>
    summary(await orchestrator.act(id, action, reason));

  app.post(
    '/admin/sagas/:id/retry',
    { schema: { params: SagaIdParams, response: { 202: SagaSummary } } },
    async (request, reply) => reply.code(202).send(await act(request.params.id, 'retry')),
  );

  app.post(
    '/admin/sagas/:id/abort',
    { schema: { params: SagaIdParams, body: AbortBody, response: { 202: SagaSummary } } },
    async (request, reply) =>
      reply.code(202).send(await act(request.params.id, 'abort', request.body?.reason)),
  );

  app.post(
    '/admin/sagas/:id/compensations/replay',
    { schema: { params: SagaIdParams, response: { 202: SagaSummary } } },
    async (request, reply) => reply.code(202).send(await act(request.params.id, 'replay-compensations')),
  );
};
