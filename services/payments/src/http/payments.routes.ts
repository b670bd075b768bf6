import { ADMIN_ROLE, callerOf, conveyorValidatorCompiler, mayAccess } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { getPayment, listPayments } from '../application/payment-queries.ts';
import type { PaymentsDatabase } from '../db/tables.ts';
import { paymentNotFound } from '../domain/errors.ts';
import { Payment, PaymentIdParams, PaymentListQuery, PaymentPage } from './payment-schemas.ts';

export interface PaymentsRoutesOptions {
  db: Kysely<PaymentsDatabase>;
}

/**
 * Read-only payment routes; charges and refunds arrive only as saga commands. The list (anyone's
 * payments) is for admins; one payment for its user or an admin, and anyone else gets the 404 of
 * a missing one. Problem+json comes from the host app (createServiceApp); validation is TypeBox's,
 * with integer query parameters held to plain digits (encapsulated: these routes only).
 */
export const paymentsRoutes: FastifyPluginAsyncTypebox<PaymentsRoutesOptions> = async (app, { db }) => {
  app.setValidatorCompiler(conveyorValidatorCompiler);
  app.get(
    '/payments',
    {
      config: { access: { role: ADMIN_ROLE } },
      schema: {
        summary: 'List payments, newest charge first (admin)',
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
        summary: "One payment: the caller's own, or any for an admin (else 404 PAYMENTS_NOT_FOUND)",
        params: PaymentIdParams,
        response: { 200: Payment },
      },
    },
    async (request) => {
      const payment = await getPayment(db, request.params.id);
      if (!mayAccess(callerOf(request), payment.userId)) throw paymentNotFound(request.params.id);
      return payment;
    },
  );
};
