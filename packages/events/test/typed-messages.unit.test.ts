import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ConsumerRunnerOptions,
  defineProjection,
  type IncomingMessage,
  messageFactory,
  type TypedOutgoingMessage,
} from '../src/index.ts';

type Catalogue = {
  'user.created': { userId: string; email: string };
  'user.deleted': { userId: string; reason: string };
};

describe('messages typed by a catalogue', () => {
  it('builds an outgoing message whose data is its type’s payload', () => {
    const message = messageFactory<Catalogue>();
    const created = message('user.created', { userId: 'u1', email: 'a@b.c' }, { topic: 't', key: 'u1' });

    expect(created).toEqual({
      topic: 't',
      key: 'u1',
      type: 'user.created',
      data: { userId: 'u1', email: 'a@b.c' },
    });
    expectTypeOf(created).toMatchTypeOf<TypedOutgoingMessage<Catalogue>>();
    // @ts-expect-error: user.deleted needs a reason, not an email
    message('user.deleted', { userId: 'u1', email: 'a@b.c' }, { topic: 't', key: 'u1' });
  });

  it('gives each consumer handler its own type’s payload', () => {
    const handlers: ConsumerRunnerOptions<never, Catalogue>['handlers'] = {
      'user.created': async (message) => {
        expectTypeOf(message).toEqualTypeOf<IncomingMessage<'user.created', Catalogue['user.created']>>();
      },
      // @ts-expect-error: not a type of the catalogue
      'user.renamed': async () => undefined,
    };
    expect(Object.keys(handlers)).toEqual(['user.created', 'user.renamed']);
  });

  it('gives each projection handler its own type’s payload, and lists the result as a plain definition', () => {
    const projection = defineProjection<{ users: { id: string } }, Catalogue>({
      name: 'test.users',
      topics: ['t'],
      tables: ['users'],
      createTables: async () => undefined,
      handlers: {
        'user.deleted': async (message) => {
          expectTypeOf(message.data.reason).toEqualTypeOf<string>();
        },
      },
    });
    expect(Object.keys(projection.handlers)).toEqual(['user.deleted']);
  });
});
