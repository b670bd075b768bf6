import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { errorMessage, invalidPayload, invalidSchemaFile, unknownMessageType } from '../errors.ts';
import { isRecord } from '../internal/guards.ts';

/** One message type: its Avro record schema as written in its .avsc file. */
export interface MessageSchema {
  /** Conveyor's name for the type, e.g. `user.created` (the `messageType` attribute of the schema). */
  messageType: string;
  /** Avro full name (namespace.name), used in the registry subject. */
  fullName: string;
  /** The schema JSON as registered. */
  schema: Record<string, unknown>;
  avroType: avro.Type;
  file: string;
}

/**
 * The message types a process knows, loaded from a directory of .avsc files (schemas/ is the
 * single source). Validates payloads before anything is written or sent.
 */
export class MessageCatalog {
  private readonly byType: Map<string, MessageSchema>;

  constructor(schemas: MessageSchema[]) {
    this.byType = new Map();
    for (const schema of schemas) {
      const clash = this.byType.get(schema.messageType);
      if (clash)
        throw invalidSchemaFile(
          schema.file,
          `messageType "${schema.messageType}" is also declared in ${clash.file}`,
        );
      this.byType.set(schema.messageType, schema);
    }
  }

  /** Loads every *.avsc file of the directories (one record schema per file). */
  static fromDirectories(...dirs: string[]): MessageCatalog {
    const schemas: MessageSchema[] = [];
    for (const dir of dirs) {
      for (const name of readdirSync(dir)
        .filter((n) => n.endsWith('.avsc'))
        .sort()) {
        schemas.push(parseSchemaFile(join(dir, name)));
      }
    }
    return new MessageCatalog(schemas);
  }

  get schemas(): MessageSchema[] {
    return [...this.byType.values()];
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }

  has(messageType: string): boolean {
    return this.byType.has(messageType);
  }

  /** The schema of a type; an unknown type is a CONVEYOR_UNKNOWN_MESSAGE_TYPE error. */
  get(messageType: string): MessageSchema {
    const schema = this.byType.get(messageType);
    if (!schema) throw unknownMessageType(messageType, this.types);
    return schema;
  }

  /** Throws CONVEYOR_INVALID_PAYLOAD naming every field that does not match the schema. */
  validate(messageType: string, payload: unknown): void {
    const { avroType } = this.get(messageType);
    const problems: string[] = [];
    const valid = avroType.isValid(payload, {
      noUndeclaredFields: true,
      errorHook: (path, value, type) => {
        const field = path.length ? path.join('.') : '(root)';
        problems.push(
          `${field}: expected ${describeType(type)}, got ${JSON.stringify(value) ?? 'undefined'}`,
        );
      },
    });
    if (!valid) throw invalidPayload(messageType, problems);
  }
}

export function parseSchemaFile(file: string): MessageSchema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw invalidSchemaFile(file, `not valid JSON (${errorMessage(error)})`);
  }
  if (!isRecord(parsed)) throw invalidSchemaFile(file, 'the top-level schema must be a record');
  const schema = parsed;
  if (schema.type !== 'record') throw invalidSchemaFile(file, 'the top-level schema must be a record');
  if (typeof schema.messageType !== 'string' || schema.messageType === '') {
    throw invalidSchemaFile(file, 'the record needs a "messageType" attribute, e.g. "user.created"');
  }
  let avroType: avro.Type;
  try {
    avroType = avro.Type.forSchema(schema as unknown as avro.Schema);
  } catch (error) {
    throw invalidSchemaFile(file, errorMessage(error));
  }
  const fullName = avroType.name;
  if (!fullName) throw invalidSchemaFile(file, 'the record needs a name');
  return { messageType: schema.messageType, fullName, schema, avroType, file };
}

function describeType(type: avro.Type): string {
  return type.typeName === 'record' || type.typeName === 'enum'
    ? `${type.typeName} ${type.name}`
    : type.typeName;
}
