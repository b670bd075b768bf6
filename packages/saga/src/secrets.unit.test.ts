import { isConveyorError } from '@conveyor/events';
import { describe, expect, it } from 'vitest';
import type { SagaDefinition } from './definition.ts';
import { REDACTED, redactSecrets, requireSecret, secretFieldNames } from './secrets.ts';

describe('saga secret fields', () => {
  it("collects the names a definition marks secret: its own, its commands' and its compensations'", () => {
    const definition: SagaDefinition<unknown> = {
      type: 't',
      version: 1,
      secretFields: ['legacyToken'],
      steps: [
        {
          name: 'a',
          command: { topic: 'x', type: 'a.do', secretFields: ['cardToken'] },
          commandData: () => ({}),
          compensation: { topic: 'x', type: 'a.undo', secretFields: ['pin'], data: () => ({}) },
        },
        { name: 'b', command: { topic: 'x', type: 'b.do' }, commandData: () => ({}) },
      ],
    };
    expect([...secretFieldNames(definition)].sort()).toEqual(['cardToken', 'legacyToken', 'pin']);
  });

  it('redacts named fields at any depth, in objects and arrays, without changing the input', () => {
    const names = new Set(['cardToken']);
    const input = {
      orderId: 'o-1',
      cardToken: 'tok_1',
      nested: { cardToken: 'tok_2', keep: 1 },
      list: [{ cardToken: 'tok_3' }, 'cardToken'],
      absent: { cardToken: null },
    };
    expect(redactSecrets(input, names)).toEqual({
      orderId: 'o-1',
      cardToken: REDACTED,
      nested: { cardToken: REDACTED, keep: 1 },
      list: [{ cardToken: REDACTED }, 'cardToken'],
      absent: { cardToken: null },
    });
    expect(input.cardToken).toBe('tok_1');
    expect(redactSecrets('tok_1', names)).toBe('tok_1');
    expect(redactSecrets(null, names)).toBeNull();
  });

  it('reads a secret, and names the one missing with SAGA_SECRET_MISSING', () => {
    expect(requireSecret({ cardToken: 'tok_1' }, 'cardToken')).toBe('tok_1');
    let error: unknown;
    try {
      requireSecret({}, 'cardToken');
    } catch (caught) {
      error = caught;
    }
    expect(isConveyorError(error, 'SAGA_SECRET_MISSING')).toBe(true);
    expect(error).toMatchObject({ details: { name: 'cardToken' } });
  });
});
