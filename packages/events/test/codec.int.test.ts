import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from '@conveyor/infra-local/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { AvroCodec, MessageCatalog } from '../src/index.ts';
import { testSchemasDir } from './support/world.ts';

describe('Avro codec through the schema registry', () => {
  const registryUrl = inject('infra').schemaRegistryUrl;
  const catalog = MessageCatalog.fromDirectories(testSchemasDir);
  const codec = AvroCodec.connect(registryUrl, catalog);
  const evolvedDir = mkdtempSync(join(tmpdir(), 'conveyor-schemas-'));
  afterAll(() => rmSync(evolvedDir, { recursive: true, force: true }));

  /** A copy of the test schema with one more field, as a later version of the service would ship it. */
  function evolvedCatalog(field: Record<string, unknown>): MessageCatalog {
    const schema = JSON.parse(readFileSync(join(testSchemasDir, 'item-added.avsc'), 'utf8'));
    schema.fields.push(field);
    writeFileSync(join(evolvedDir, 'item-added.avsc'), JSON.stringify(schema));
    return MessageCatalog.fromDirectories(evolvedDir);
  }

  it('encodes in the Confluent wire format under a topic-record-name subject and decodes back', async () => {
    const topic = uniqueName('test.codec');
    const data = { aggregateId: 'a-1', version: 1, note: 'hello', poison: false };

    const encoded = await codec.encode(topic, 'test.item-added', data);

    expect(encoded[0]).toBe(0);
    // Asked by name: the registry keeps every subject of every run, and lists at most 1,000.
    const versions = await fetch(
      `${registryUrl}/subjects/${encodeURIComponent(`${topic}-conveyor.test.ItemAdded`)}/versions`,
    );
    expect(versions.status).toBe(200);
    expect(await versions.json()).toEqual([1]);
    expect(await codec.decode(topic, 'test.item-added', encoded)).toEqual(data);
  });

  it('reads old data through a newer schema that added a field with a default', async () => {
    const topic = uniqueName('test.codec');
    const old = await codec.encode(topic, 'test.item-added', {
      aggregateId: 'a',
      version: 1,
      note: 'n',
      poison: false,
    });
    const newer = AvroCodec.connect(
      registryUrl,
      evolvedCatalog({ name: 'quantity', type: 'int', default: 1 }),
    );

    await newer.register(topic, 'test.item-added');

    expect(await newer.decode(topic, 'test.item-added', old)).toEqual({
      aggregateId: 'a',
      version: 1,
      note: 'n',
      poison: false,
      quantity: 1,
    });
  });

  it('refuses an incompatible schema change at registration with a message naming the subject', async () => {
    const topic = uniqueName('test.codec');
    await codec.register(topic, 'test.item-added');
    const breaking = AvroCodec.connect(registryUrl, evolvedCatalog({ name: 'warehouse', type: 'string' }));

    const registration = breaking.register(topic, 'test.item-added');

    await expect(registration).rejects.toMatchObject({ code: 'CONVEYOR_SCHEMA_INCOMPATIBLE' });
    await expect(registration).rejects.toThrow(`subject "${topic}-conveyor.test.ItemAdded"`);
  });

  it('refuses a payload that does not match before anything reaches the registry or Kafka', async () => {
    await expect(
      codec.encode(uniqueName('test.codec'), 'test.item-added', { aggregateId: 'a' }),
    ).rejects.toMatchObject({
      code: 'CONVEYOR_INVALID_PAYLOAD',
    });
  });
});
