import { describe, expect, it } from 'vitest';
import { renderMessageTypes } from './avro-to-typescript.ts';
import { MessageCatalog, parseSchemaFile } from './message-catalog.ts';

describe('renderMessageTypes', () => {
  it('maps Avro records, enums, unions, arrays and maps to TypeScript, with the message type map', () => {
    const schema = {
      type: 'record',
      name: 'StockReserved',
      namespace: 'conveyor.inventory',
      messageType: 'inventory.stock-reserved',
      fields: [
        { name: 'orderId', type: 'string' },
        {
          name: 'lines',
          type: {
            type: 'array',
            items: { type: 'record', name: 'Line', fields: [{ name: 'qty', type: 'int' }] },
          },
        },
        { name: 'state', type: { type: 'enum', name: 'State', symbols: ['held', 'released'] } },
        { name: 'note', type: ['null', 'string'], default: null },
        { name: 'tags', type: { type: 'map', values: 'long' } },
      ],
    };
    const catalog = new MessageCatalog([
      {
        messageType: 'inventory.stock-reserved',
        fullName: 'conveyor.inventory.StockReserved',
        schema,
        avroType: undefined as never,
        file: 'x',
      },
    ]);

    const source = renderMessageTypes(catalog.schemas, 'test');

    expect(source).toContain(`export interface StockReserved {
  orderId: string;
  lines: Array<Line>;
  state: 'held' | 'released';
  note?: null | string;
  tags: Record<string, number>;
}`);
    expect(source).toContain('export interface Line {\n  qty: number;\n}');
    expect(source).toContain("'inventory.stock-reserved': StockReserved;");
  });
});

describe('MessageCatalog', () => {
  it('names the file and the problem when a schema has no messageType', () => {
    expect(() =>
      parseSchemaFile(new URL('./fixtures/no-message-type.avsc', import.meta.url).pathname),
    ).toThrow(/no-message-type\.avsc: the record needs a "messageType" attribute/);
  });
});
