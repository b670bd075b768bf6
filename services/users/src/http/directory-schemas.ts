import { Type } from 'typebox';

/** Bounds of the directory's pages, shared by the schema and the handler. */
export const DIRECTORY_PAGE_LIMITS = {
  defaultLimit: 20,
  maxLimit: 100,
  maxPage: 1_000_000,
  maxQuery: 100,
} as const;

const strict = { additionalProperties: false } as const;

export const DirectoryQuery = Type.Object(
  {
    page: Type.Optional(
      Type.Integer({ minimum: 1, maximum: DIRECTORY_PAGE_LIMITS.maxPage, default: 1, description: 'From 1' }),
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: DIRECTORY_PAGE_LIMITS.maxLimit,
        default: DIRECTORY_PAGE_LIMITS.defaultLimit,
        description: 'Users per page',
      }),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: DIRECTORY_PAGE_LIMITS.maxQuery,
        description: 'A case-insensitive prefix of the email or the last name (trimmed)',
      }),
    ),
  },
  strict,
);

export const DirectoryOrders = Type.Object(
  {
    confirmed: Type.Integer({ minimum: 0, description: 'Confirmed orders, in every currency' }),
    lastConfirmedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'The latest confirmation; null before the first',
    }),
    totals: Type.Array(
      Type.Object(
        {
          currency: Type.String({ description: 'The currency code the order was priced in' }),
          totalCents: Type.Integer({ description: 'Spent on confirmed orders in that currency' }),
        },
        strict,
      ),
      { description: 'Per currency, by code' },
    ),
  },
  { ...strict, description: "The user's confirmed orders, from orders.events (order.confirmed)" },
);

export const DirectoryEntry = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
    language: Type.String({ description: 'Preferred language: en, es or fr' }),
    updatedAt: Type.String({ format: 'date-time' }),
    orders: DirectoryOrders,
  },
  strict,
);

export const DirectoryPage = Type.Object(
  {
    items: Type.Array(DirectoryEntry),
    page: Type.Integer(),
    limit: Type.Integer(),
    total: Type.Integer({ description: 'Users matching the query' }),
    totalPages: Type.Integer(),
  },
  strict,
);
