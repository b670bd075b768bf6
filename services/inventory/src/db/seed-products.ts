/** A product of the seed catalogue, with the stock the shop starts with. */
export interface SeedProduct {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: 'EUR';
  initialStock: number;
}

/**
 * The catalogue the seed migration loads. Ids are fixed so that tests, demos and the other
 * services' fixtures can name products. `LTD-PEN-010` starts with 3 units: the "not enough stock"
 * demo. Never edit an entry once released: migrations run once, so a change would not reach
 * databases seeded before it.
 */
export const SEED_PRODUCTS: readonly SeedProduct[] = [
  {
    id: 'c87b2365-df8a-4df6-b107-e49d1734f29c',
    sku: 'KIT-ESP-001',
    name: 'Barista Pro Espresso Machine',
    priceCents: 44_900,
    currency: 'EUR',
    initialStock: 60,
  },
  {
    id: 'b84c8860-0eab-4678-b03b-14c7fad61e9c',
    sku: 'KIT-GRD-002',
    name: 'Conical Burr Coffee Grinder',
    priceCents: 12_900,
    currency: 'EUR',
    initialStock: 120,
  },
  {
    id: '25c2dd03-f633-4fa9-963b-4f06ce03c456',
    sku: 'KIT-KTL-003',
    name: 'Gooseneck Pour-Over Kettle',
    priceCents: 5_990,
    currency: 'EUR',
    initialStock: 200,
  },
  {
    id: '2b06d3d0-2e66-4051-9faa-c2428e424258',
    sku: 'HOM-LMP-004',
    name: 'Oak Desk Lamp',
    priceCents: 7_450,
    currency: 'EUR',
    initialStock: 150,
  },
  {
    id: '2a2b9425-0b25-4e10-98a9-27b26b414812',
    sku: 'HOM-THR-005',
    name: 'Merino Wool Throw Blanket',
    priceCents: 8_900,
    currency: 'EUR',
    initialStock: 80,
  },
  {
    id: 'e2651f13-4cec-4e01-a2ef-07a6d426721c',
    sku: 'OUT-BTL-006',
    name: 'Insulated Steel Water Bottle 750 ml',
    priceCents: 2_495,
    currency: 'EUR',
    initialStock: 500,
  },
  {
    id: '98d45bc9-1954-466d-86c6-c54419f5478a',
    sku: 'OUT-BPK-007',
    name: 'Waxed Canvas Daypack',
    priceCents: 11_900,
    currency: 'EUR',
    initialStock: 90,
  },
  {
    id: 'c18e0f1c-473d-4a25-8d59-713c280c25ae',
    sku: 'TEC-HDP-008',
    name: 'Noise-Cancelling Headphones',
    priceCents: 24_900,
    currency: 'EUR',
    initialStock: 75,
  },
  {
    id: 'aa3e81c3-71ef-4a7e-bc46-3ba8fdf9d7b8',
    sku: 'TEC-KBD-009',
    name: 'Mechanical Keyboard (Brown Switches)',
    priceCents: 13_900,
    currency: 'EUR',
    initialStock: 50,
  },
  {
    id: '064ed353-db1b-409b-aef4-45b4767ec315',
    sku: 'LTD-PEN-010',
    name: 'Limited Edition Fountain Pen',
    priceCents: 18_900,
    currency: 'EUR',
    initialStock: 3,
  },
];
