import { Type } from 'typebox';

export const StockViewParams = Type.Object(
  { productId: Type.String({ format: 'uuid', description: 'The product id' }) },
  { additionalProperties: false },
);

export const StockMovements = Type.Object(
  {
    productId: Type.String({ format: 'uuid' }),
    reserved: Type.Integer({ description: 'Units held now for orders neither sold nor released' }),
    sold: Type.Integer({ description: 'Units sold and not given back' }),
    released: Type.Integer({ description: 'Units given back, from holds and from sales' }),
    updatedAt: Type.String({ format: 'date-time', description: 'The time of the latest movement' }),
  },
  {
    additionalProperties: false,
    description: 'reserved + sold + released = every unit ever reserved; the initial stock is not counted',
  },
);
