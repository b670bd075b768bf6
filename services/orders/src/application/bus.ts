import type { ConveyorError } from '@conveyor/events';

/** A message type → its input and result. */
export type BusMap = Record<string, { input: unknown; result: unknown }>;

type Handler<M extends BusMap, K extends keyof M> = (input: M[K]['input']) => Promise<M[K]['result']>;

/**
 * Routes a message to the one handler registered for its type. Used for both the command bus
 * and the query bus; an unregistered type is a typed error, not a silent no-op.
 */
export class Bus<M extends BusMap> {
  private readonly handlers = new Map<string, (input: unknown) => Promise<unknown>>();

  constructor(private readonly unknownType: (type: string) => ConveyorError) {}

  register<K extends keyof M & string>(type: K, handler: Handler<M, K>): this {
    if (this.handlers.has(type)) throw new Error(`a handler for ${type} is already registered`);
    this.handlers.set(type, handler as (input: unknown) => Promise<unknown>);
    return this;
  }

  async dispatch<K extends keyof M & string>(type: K, input: M[K]['input']): Promise<M[K]['result']> {
    const handler = this.handlers.get(type);
    if (!handler) throw this.unknownType(type);
    return (await handler(input)) as M[K]['result'];
  }
}
