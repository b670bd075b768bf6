import { conveyorValidatorCompiler } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { getPayment, listPayments } from '../application/payment-queries.ts';
import type { PaymentsDatabase } from '../db/tables.ts';
import { Payment, PaymentIdParams, PaymentListQuery, PaymentPage } from './payment-schemas.ts';

export interface PaymentsRoutesOptions {
  db: Kysely<PaymentsDatabase>;
}

/**
 * Read-only payment routes for operators and tests; charges and refunds arrive only as saga
 * commands. Problem+json comes from the host app (createServiceApp); validation is TypeBox's,
 * with integer query parameters held to plain digits (encapsulated: these routes only).
 */
export const paymentsRoutes: FastifyPluginAsyncTypebox<PaymentsRoutesOptions> = async (app, { db }) => {
  app.setValidatorCompiler(conveyorValidatorCompiler);
  app.get(
    '/payments',
    {
      schema: {
        summary: 'List payments, newest charge first',
        querystring: PaymentListQuery,
        response: { 200: PaymentPage },
      },
    },
    (request) => listPayments(db, request.query),
  );

  app.get(
    '/payments/:id',
    {
      schema: {
        summary: 'One payment (404 PAYMENTS_NOT_FOUND)',
        params: PaymentIdParams,
        response: { 200: Payment },
      },
    },
    (request) => getPayment(db, request.params.id),
  );
};
