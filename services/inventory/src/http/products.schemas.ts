import { Type } from 'typebox';

/** Bounds of the catalogue's pages, shared by the schema and the handler's defaults. */
export const PRODUCT_PAGE_LIMITS = { defaultLimit: 20, maxLimit: 100, maxPage: 1_000_000 } as const;

export const ProductIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'The product id' }) },
  { additionalProperties: false },
);

/** Routes without query parameters still refuse unknown ones (a misspelt `?pgae=2` is a 400). */
export const NoQuery = Type.Object({}, { additionalProperties: false });

export const ProductListQuery = Type.Object(
  {
    page: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: PRODUCT_PAGE_LIMITS.maxPage,
        default: 1,
        description: 'Page number, from 1',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: PRODUCT_PAGE_LIMITS.maxLimit,
        default: PRODUCT_PAGE_LIMITS.defaultLimit,
        description: 'Products per page',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Product = Type.Object({
  id: Type.String({ format: 'uuid' }),
  sku: Type.String(),
  name: Type.String(),
  priceCents: Type.Integer({ description: 'Unit price in the currency minor unit (cents)' }),
  currency: Type.String({ description: 'ISO 4217 code, e.g. EUR' }),
  available: Type.Integer({ description: 'Units that can be ordered now' }),
});

export const ProductPage = Type.Object({
  items: Type.Array(Product),
  page: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer({ description: 'Products in the whole catalogue' }),
  totalPages: Type.Integer(),
});

export const Stock = Type.Object({
  available: Type.Integer(),
  reserved: Type.Integer({ description: 'Held for orders whose saga is still running' }),
  sold: Type.Integer(),
});

/** RFC 7807 problem details as createServiceApp's error handler sends them. */
export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String({ description: 'Stable error code, e.g. INVENTORY_PRODUCT_NOT_FOUND' }),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(
    Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
      description: 'The fields at fault, for bad input',
    }),
  ),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
