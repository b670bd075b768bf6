import type { ConveyorError } from '@conveyor/events';

/** A message type → its input and result. */
export type BusMap = Record<string, { input: unknown; result: unknown }>;

type Handler<M extends BusMap, K extends keyof M> = (input: M[K]['input']) => Promise<M[K]['result']>;

/**
 * Routes a message to the one handler registered for its type. Used for both the command bus
 * and the query bus; an unregistered type is a typed error, not a silent no-op.
 */
export class Bus<M extends BusMap> {
  // No prototype: a type named like an Object.prototype member ("constructor") finds no handler.
  private readonly handlers: { [K in keyof M]?: Handler<M, K> } = Object.create(null);

  constructor(private readonly unknownType: (type: string) => ConveyorError) {}

  register<K extends keyof M & string>(type: K, handler: Handler<M, K>): this {
    if (this.handlers[type]) throw new Error(`a handler for ${type} is already registered`);
    this.handlers[type] = handler;
    return this;
  }

  async dispatch<K extends keyof M & string>(type: K, input: M[K]['input']): Promise<M[K]['result']> {
    const handler = this.handlers[type];
    if (!handler) throw this.unknownType(type);
    return handler(input);
  }
}
