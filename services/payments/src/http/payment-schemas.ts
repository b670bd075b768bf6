import { type Static, type TSchema, Type } from 'typebox';

/** Bounds of the list query, shared by the schema and the query. */
export const PAYMENT_LIST_LIMITS = {
  /** @default page size */
  defaultLimit: 20,
  maxLimit: 100,
  /** Deep offsets are slow and nobody pages that far by hand; filter instead. */
  maxPage: 10_000,
} as const;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Uuid = (description: string) => Type.String({ format: 'uuid', description });

export const PaymentIdParams = Type.Object({ id: Uuid('The payment id') }, { additionalProperties: false });

export const PaymentListQuery = Type.Object(
  {
    orderId: Type.Optional(Uuid('Only the payment of this order')),
    userId: Type.Optional(Uuid("Only this user's payments")),
    page: Type.Optional(
      Type.Integer({ minimum: 1, maximum: PAYMENT_LIST_LIMITS.maxPage, description: '1-based, 1 if absent' }),
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: PAYMENT_LIST_LIMITS.maxLimit,
        description: `Page size, ${PAYMENT_LIST_LIMITS.defaultLimit} if absent`,
      }),
    ),
  },
  // A misspelt filter (`?order=…`) would otherwise list every payment.
  { additionalProperties: false },
);
export type PaymentListFilter = Static<typeof PaymentListQuery>;

export const Payment = Type.Object({
  id: Type.String({ format: 'uuid' }),
  orderId: Type.String({ format: 'uuid' }),
  userId: Type.String({ format: 'uuid' }),
  amountCents: Type.Integer({ minimum: 1 }),
  currency: Type.String(),
  status: Type.Union([Type.Literal('charged'), Type.Literal('refunded')]),
  /** The fake provider's reference of the charge. */
  providerRef: Type.String(),
  chargedAt: Type.String({ format: 'date-time' }),
  refundedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type PaymentView = Static<typeof Payment>;

export const PaymentPage = Type.Object({
  items: Type.Array(Payment),
  page: Type.Integer(),
  limit: Type.Integer(),
  /** Payments matching the filter, on every page. */
  total: Type.Integer(),
});
export type PaymentPageView = Static<typeof PaymentPage>;
