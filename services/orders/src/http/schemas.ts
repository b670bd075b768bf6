import { Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid', description: 'a UUID' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

export const OrderLineSchema = Type.Object(
  {
    productId: Uuid,
    quantity: Type.Integer({ minimum: 1, maximum: 1_000 }),
  },
  { additionalProperties: false },
);

export const ShippingAddressSchema = Type.Object(
  {
    street: Text(200),
    city: Text(100),
    postalCode: Type.String({ minLength: 2, maxLength: 16, pattern: '^[A-Za-z0-9][A-Za-z0-9 -]*$' }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. FR' }),
  },
  { additionalProperties: false },
);

/** The user is the caller (the token's sub): a `userId` here is refused as an unknown field. */
export const CreateOrderBody = Type.Object(
  {
    items: Type.Array(OrderLineSchema, { minItems: 1, maxItems: 50 }),
    shippingAddress: ShippingAddressSchema,
    paymentToken: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^tok_[A-Za-z0-9_]+$' })),
  },
  { additionalProperties: false },
);

/** An Idempotency-Key is the caller's own: another user's same key is another key. */
export const CreateOrderHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' }),
  ),
});

export const Accepted = Type.Object({
  orderId: Uuid,
  sagaId: Uuid,
  status: Type.Literal('pending'),
  statusUrl: Type.String(),
});

export const OrderIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const UserIdParams = Type.Object({ userId: Uuid }, { additionalProperties: false });

export const PageQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);
