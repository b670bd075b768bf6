import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import {
  decodeFailed,
  errorMessage,
  isConveyorError,
  registryUnavailable,
  schemaIncompatible,
  schemaRegistrationFailed,
} from '../errors.ts';
import { propertyOf } from '../internal/guards.ts';
import type { MessageCatalog } from './message-catalog.ts';

/** Which message types travel on which topic; registered together at start. */
export interface TopicBinding {
  topic: string;
  types: string[];
}

/**
 * Avro in the Confluent wire format through a Confluent-compatible registry. Subjects follow the
 * topic-record-name strategy (`<topic>-<record full name>`) so one topic carries several types,
 * each checked for BACKWARD compatibility when registered.
 */
/** Reads the Avro body of a message (the bytes after the wire header) into a value. */
type AvroDecoder = (body: Buffer) => unknown;

/** Magic byte 0 and a 4-byte schema id: the Confluent wire format's header. */
const WIRE_HEADER_BYTES = 5;

export class AvroCodec {
  private readonly ids = new Map<string, Promise<number>>();
  /**
   * One decoder per (writer schema id, message type), built once: building a reader type and a
   * resolver means avsc code generation, which per message was a fifth of a consumer's CPU.
   */
  private readonly decoders = new Map<string, Promise<AvroDecoder>>();

  constructor(
    readonly registry: SchemaRegistry,
    readonly catalog: MessageCatalog,
    /** Base URL, to set a subject's compatibility directly when two processes race to create it. */
    private readonly registryUrl?: string,
  ) {}

  static connect(registryUrl: string, catalog: MessageCatalog): AvroCodec {
    return new AvroCodec(new SchemaRegistry({ host: registryUrl }), catalog, registryUrl.replace(/\/+$/, ''));
  }

  subject(topic: string, messageType: string): string {
    return `${topic}-${this.catalog.get(messageType).fullName}`;
  }

  /** Registers (once per process) the type's schema under its subject and returns the schema id. */
  register(topic: string, messageType: string): Promise<number> {
    const subject = this.subject(topic, messageType);
    let id = this.ids.get(subject);
    if (!id) {
      id = this.registerSubject(subject, messageType);
      id.catch(() => this.ids.delete(subject));
      this.ids.set(subject, id);
    }
    return id;
  }

  async registerAll(bindings: TopicBinding[]): Promise<void> {
    for (const { topic, types } of bindings) {
      for (const type of types) await this.register(topic, type);
    }
  }

  /** Validates against the local schema first, so a bad payload fails before anything is sent. */
  async encode(topic: string, messageType: string, data: unknown): Promise<Buffer> {
    this.catalog.validate(messageType, data);
    const id = await this.register(topic, messageType);
    // The id is our own schema's (registered from it), so our type writes what the id names.
    const body = this.catalog.get(messageType).avroType.toBuffer(data);
    const header = Buffer.alloc(WIRE_HEADER_BYTES);
    header.writeInt32BE(id, 1);
    return Buffer.concat([header, body]);
  }

  /**
   * Decodes with the writer's schema from the registry, read through our own version of the type.
   * Bytes that cannot be decoded are CONVEYOR_DECODE_FAILED (the same every time: dead-letter them);
   * a registry that does not answer is CONVEYOR_REGISTRY_UNAVAILABLE (passing: retry later).
   */
  async decode(topic: string, messageType: string, value: Buffer | null): Promise<unknown> {
    if (!value || value.length < 5 || value[0] !== 0) {
      throw decodeFailed(topic, 'not in the Confluent wire format (magic byte 0 and a schema id)');
    }
    const schemaId = value.readInt32BE(1);
    const decoder = await this.decoderFor(topic, schemaId, messageType);
    try {
      return decoder(value.subarray(WIRE_HEADER_BYTES));
    } catch (error) {
      throw decodeFailed(topic, errorMessage(error));
    }
  }

  private decoderFor(topic: string, schemaId: number, messageType: string): Promise<AvroDecoder> {
    const key = `${schemaId}:${messageType}`;
    let decoder = this.decoders.get(key);
    if (!decoder) {
      decoder = this.buildDecoder(topic, schemaId, messageType);
      // A registry outage must not stick: the next message asks again.
      decoder.catch(() => this.decoders.delete(key));
      this.decoders.set(key, decoder);
    }
    return decoder;
  }

  /** The writer's schema from the registry, read through our own version of the type when we know it. */
  private async buildDecoder(topic: string, schemaId: number, messageType: string): Promise<AvroDecoder> {
    let writer: avro.Type;
    try {
      const schema = await this.registry.getSchema(schemaId);
      if (!(schema instanceof avro.Type)) {
        throw decodeFailed(topic, `schema id ${schemaId} is not an Avro schema`);
      }
      writer = schema;
    } catch (error) {
      if (isConveyorError(error)) throw error;
      if (propertyOf(error, 'status') === 404) {
        throw decodeFailed(topic, `schema id ${schemaId} is not in the registry`);
      }
      throw registryUnavailable(errorMessage(error));
    }
    if (!this.catalog.has(messageType)) return (body) => writer.fromBuffer(body);
    const reader = this.catalog.get(messageType).avroType;
    if (reader.equals(writer)) return (body) => reader.fromBuffer(body);
    const resolver = reader.createResolver(writer);
    return (body) => reader.fromBuffer(body, resolver);
  }

  private async registerSubject(subject: string, messageType: string, attempt = 1): Promise<number> {
    const { schema } = this.catalog.get(messageType);
    try {
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
        { subject, compatibility: COMPATIBILITY.BACKWARD },
      );
      return id;
    } catch (error) {
      if (isConveyorError(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      // Two services registering one new subject at once: the client read the subject's config
      // after the other created it but before it set BACKWARD. Set it ourselves and try again.
      // Or both set the rule at once and the second is told it exists: it does, so try again.
      if (/A rule named 'COMPATIBILITY' already exists/.test(message) && attempt < 3) {
        return this.registerSubject(subject, messageType, attempt + 1);
      }
      if (/Compatibility does not match the configuration/.test(message) && this.registryUrl && attempt < 3) {
        await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
          body: JSON.stringify({ compatibility: 'BACKWARD' }),
        });
        return this.registerSubject(subject, messageType, attempt + 1);
      }
      const status = propertyOf(error, 'status');
      if (status === 409 || /incompatib/i.test(message)) throw schemaIncompatible(subject, message);
      throw schemaRegistrationFailed(subject, message);
    }
  }
}
