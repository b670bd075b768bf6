import type { OutgoingMessage } from './envelope.ts';

/** An outgoing message of one of the catalogue's types (type → payload), its data that type's payload. */
export type TypedOutgoingMessage<Types, K extends keyof Types & string = keyof Types & string> = {
  [T in K]: OutgoingMessage<T, Types[T]>;
}[K];

/** Where a message goes and what it carries besides its type and data. */
export type MessageEnvelope = Omit<OutgoingMessage, 'type' | 'data'>;

/**
 * A constructor of outgoing messages checked against a message catalogue: a wrong field or a
 * payload of another type is a compile error.
 *
 * ```ts
 * const message = messageFactory<MessageTypes>();
 * message('user.created', { userId, email, ... }, { topic, key: userId });
 * ```
 */
export function messageFactory<Types>() {
  return <K extends keyof Types & string>(
    type: K,
    data: Types[K],
    envelope: MessageEnvelope,
  ): OutgoingMessage<K, Types[K]> => ({ ...envelope, type, data });
}
