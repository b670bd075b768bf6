import type { IncomingMessage } from '../messages/envelope.ts';

/**
 * A handler seen through a method signature. TypeScript relates method parameters bivariantly,
 * so a handler of one message type (`IncomingMessage<'user.created', UserCreated>`) is accepted
 * where any decoded message is passed. That is sound here because the runtime only ever calls a
 * handler with the type it is keyed by, and the codec decoded the data with that type's schema.
 */
interface ErasedHandler<Context, Input> {
  handle(input: Input, context: Context): Promise<void>;
}

/**
 * A handler keyed by its message type, as the runners call it: with whatever message arrived (or,
 * for a projection's batch handler, the messages of a run).
 */
export type AnyMessageHandler<Context, Input = IncomingMessage> = (
  input: Input,
  context: Context,
) => Promise<void>;

/**
 * Typed handlers by message type, as a Map the runners look types up in. A Map, so that a type
 * named like an Object.prototype member ("constructor") never finds a handler. Absent entries
 * (optional keys) are left out.
 */
export function eraseHandlers<Context, Input = IncomingMessage>(
  handlers: Record<string, ErasedHandler<Context, Input>['handle'] | undefined>,
): Map<string, AnyMessageHandler<Context, Input>> {
  const erased = new Map<string, AnyMessageHandler<Context, Input>>();
  for (const [type, handle] of Object.entries(handlers)) {
    if (handle !== undefined) erased.set(type, handle);
  }
  return erased;
}
