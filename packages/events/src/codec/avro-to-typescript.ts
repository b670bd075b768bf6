import { isRecord } from '../internal/guards.ts';
import type { MessageSchema } from './message-catalog.ts';

/** The list a schema attribute holds (fields, symbols), empty when absent: avsc has checked the shape. */
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * Renders TypeScript declarations for message schemas: one interface per record (nested records
 * included), a `MessageTypes` map from messageType to its data type, and the `MessageType` union.
 * Pure: the CLI writes its output, a unit test compares it with the checked-in file.
 */
export function renderMessageTypes(schemas: readonly MessageSchema[], sourceNote: string): string {
  const declarations = new Map<string, string>();
  const lines = [
    `// Generated from ${sourceNote} by \`npm run codegen\`. Do not edit: change the .avsc file and regenerate.`,
    '',
  ];
  const sorted = [...schemas].sort((a, b) => a.messageType.localeCompare(b.messageType));
  for (const schema of sorted) renderNamed(schema.schema, undefined, declarations);
  lines.push(...declarations.values());
  lines.push('/** Every message type and the shape of its data. */');
  lines.push('export interface MessageTypes {');
  for (const schema of sorted) lines.push(`  '${schema.messageType}': ${shortName(schema.fullName)};`);
  lines.push('}', '', 'export type MessageType = keyof MessageTypes;', '');
  return lines.join('\n');
}

function shortName(fullName: string): string {
  return fullName.split('.').pop() ?? fullName;
}

/** The TypeScript type of an Avro schema (parsed JSON, already accepted by avsc). */
function renderNamed(schema: unknown, namespace: string | undefined, out: Map<string, string>): string {
  if (typeof schema === 'string') return primitive(schema);
  if (Array.isArray(schema)) return schema.map((s) => renderNamed(s, namespace, out)).join(' | ');
  if (!isRecord(schema)) throw new Error(`not an Avro schema: ${JSON.stringify(schema)}`);
  const type = schema.type;
  if (typeof type !== 'string') return renderNamed(type, namespace, out);
  switch (type) {
    case 'record': {
      const name = shortName(String(schema.name));
      const ns = typeof schema.namespace === 'string' ? schema.namespace : namespace;
      if (!out.has(name)) {
        out.set(name, ''); // reserve: a recursive reference must not render twice
        const body: string[] = [];
        if (schema.doc) body.push(`/** ${String(schema.doc)} */`);
        body.push(`export interface ${name} {`);
        for (const field of listOf(schema.fields).filter(isRecord)) {
          if (field.doc) body.push(`  /** ${String(field.doc)} */`);
          body.push(
            `  ${String(field.name)}${field.default !== undefined ? '?' : ''}: ${renderNamed(field.type, ns, out)};`,
          );
        }
        body.push('}', '');
        out.set(name, body.join('\n'));
      }
      return name;
    }
    case 'enum':
      return listOf(schema.symbols)
        .map((s) => `'${String(s)}'`)
        .join(' | ');
    case 'array':
      return `Array<${renderNamed(schema.items, namespace, out)}>`;
    case 'map':
      return `Record<string, ${renderNamed(schema.values, namespace, out)}>`;
    case 'fixed':
      return 'Buffer';
    default:
      return primitive(type);
  }
}

function primitive(type: string): string {
  switch (type) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'string':
      return 'string';
    case 'bytes':
      return 'Buffer';
    default:
      return shortName(type); // a named type declared earlier in the file
  }
}
