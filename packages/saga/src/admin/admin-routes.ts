import { ADMIN_ROLE, conveyorValidatorCompiler, sendProblem } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { SagaDatabase } from '../db/tables.ts';
import type { SagaOrchestrator } from '../saga-orchestrator.ts';
import type { SagaAction, SagaActionOptions } from '../saga-orchestrator-options.ts';
import {
  AbortBody,
  RetryBody,
  SagaCounts,
  SagaDetail,
  SagaIdParams,
  SagaListQuery,
  SagaPage,
  SagaSummary,
} from './admin-schemas.ts';
import { SagaJourney } from './journey-schemas.ts';
import { lookupThrough, type MessageSources } from './message-sources.ts';
import { sagaJourney } from './saga-journey.ts';
import { getSaga, listSagas, summary } from './saga-queries.ts';

export interface SagaAdminRoutesOptions {
  /** Carries out retry, abort and replay, each in one transaction with its log rows and commands. */
  orchestrator: SagaOrchestrator;
  /** The database the orchestrator writes to, for the read side. */
  db: Kysely<SagaDatabase>;
  /** Reference time of the age filter and `ageMs`. @default () => new Date() */
  clock?: () => Date;
  /**
   * Where the journey (`GET /admin/sagas/:id/journey`) finds the outbox and inbox rows of a saga's
   * messages: this service's tables and the participants' admin APIs. @default none: the journey
   * lists the log's commands without their rows
   */
  messageSources?: MessageSources;
}

/**
 * The saga admin API: list, show with timeline, retry, abort, replay compensations. Encapsulated
 * (not wrapped in fastify-plugin): its validator and problem+json error handler apply to these
 * routes only, whatever the host configured. Every route needs the role admin, checked by the
 * host's identity plugin (createServiceApp) as well as by the gateway. Fields the sagas mark
 * secret are redacted in every answer.
 */
export const sagaAdminRoutes: FastifyPluginAsyncTypebox<SagaAdminRoutesOptions> = async (app, options) => {
  const { orchestrator, db } = options;
  const clock = options.clock ?? (() => new Date());
  // TypeBox's own checker refuses unknown properties instead of silently dropping them (Ajv's
  // removeAdditional default), and does not depend on the host's Ajv options.
  app.setValidatorCompiler(conveyorValidatorCompiler);
  app.setErrorHandler(sendProblem);
  const config = { access: { role: ADMIN_ROLE } };

  app.get(
    '/admin/sagas',
    { config, schema: { querystring: SagaListQuery, response: { 200: SagaPage } } },
    (request) => listSagas(db, request.query, clock()),
  );

  app.get('/admin/sagas/counts', { config, schema: { response: { 200: SagaCounts } } }, () =>
    orchestrator.countByStatus(),
  );

  app.get(
    '/admin/sagas/:id',
    { config, schema: { params: SagaIdParams, response: { 200: SagaDetail } } },
    (request) => getSaga(db, request.params.id, clock(), orchestrator.secretFields),
  );

  app.get(
    '/admin/sagas/:id/journey',
    { config, schema: { params: SagaIdParams, response: { 200: SagaJourney } } },
    async (request) => {
      const saga = await getSaga(db, request.params.id, clock(), orchestrator.secretFields);
      const sources = options.messageSources;
      return sagaJourney(
        saga,
        sources ? lookupThrough(sources, request.headers.authorization) : async () => [],
      );
    },
  );

  const act = async (id: string, action: SagaAction, options: SagaActionOptions = {}) =>
    summary(await orchestrator.act(id, action, options));

  app.post(
    '/admin/sagas/:id/retry',
    { config, schema: { params: SagaIdParams, body: RetryBody, response: { 202: SagaSummary } } },
    async (request, reply) =>
      reply.code(202).send(await act(request.params.id, 'retry', { force: request.body?.force === true })),
  );

  app.post(
    '/admin/sagas/:id/abort',
    { config, schema: { params: SagaIdParams, body: AbortBody, response: { 202: SagaSummary } } },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await act(
            request.params.id,
            'abort',
            request.body?.reason === undefined ? {} : { reason: request.body.reason },
          ),
        ),
  );

  app.post(
    '/admin/sagas/:id/compensations/replay',
    { config, schema: { params: SagaIdParams, response: { 202: SagaSummary } } },
    async (request, reply) => reply.code(202).send(await act(request.params.id, 'replay-compensations')),
  );
};
