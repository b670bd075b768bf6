import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { RawAvroSchema } from '@kafkajs/confluent-schema-registry/dist/@types.js';
import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../src/testing.ts';

const orderPlacedV1 = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'conveyor.test',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'total', type: 'long' },
  ],
};

describe('local schema registry (Confluent-compatible API)', () => {
  const registry = new SchemaRegistry({ host: inject('infra').schemaRegistryUrl });

  async function registerV1(subject: string) {
    return registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(orderPlacedV1) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
  }

  it('registers an Avro schema and round-trips a record in the Confluent wire format', async () => {
    const { id } = await registerV1(uniqueName('test.orders-conveyor.test.OrderPlaced'));
    const record = { orderId: 'o-1', total: 4200 };

    const encoded = await registry.encode(id, record);

    expect(encoded[0]).toBe(0); // magic byte
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await registry.decode(encoded)).toEqual(record);
  });

  it('accepts a backward-compatible change (a new field with a default)', async () => {
    const subject = uniqueName('test.orders-conveyor.test.OrderPlaced');
    const v1 = await registerV1(subject);
    const v2Schema = {
      ...orderPlacedV1,
      fields: [...orderPlacedV1.fields, { name: 'currency', type: 'string', default: 'EUR' }],
    };

    const v2 = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v2Schema) },
      { subject },
    );

    expect(v2.id).not.toBe(v1.id);
    // Data written with v1 is readable by a v2 reader: the default fills the new field.
    const decoded = await registry.decode(await registry.encode(v1.id, { orderId: 'o-2', total: 1 }), {
      [SchemaType.AVRO]: { readerSchema: v2Schema as unknown as RawAvroSchema },
    });
    expect(decoded).toEqual({ orderId: 'o-2', total: 1, currency: 'EUR' });
  });

  it('refuses an incompatible change under BACKWARD compatibility', async () => {
    const subject = uniqueName('test.orders-conveyor.test.OrderPlaced');
    await registerV1(subject);
    const breaking = {
      ...orderPlacedV1,
      fields: [...orderPlacedV1.fields, { name: 'customerId', type: 'string' }],
    };

    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject }),
    ).rejects.toThrow(/incompatible|compatib/i);
  });
});
