import { describe, expect, it } from 'vitest';
import { applied, context } from './decide.fixtures.ts';
import { decide, startSaga } from './decide.ts';
import type { SagaDefinition } from './definition.ts';

describe('saga secrets in decisions', () => {
  interface PayData {
    orderId: string;
    last4: string;
  }
  const paying: SagaDefinition<PayData> = {
    type: 'pay',
    version: 1,
    secretFields: ['oldToken'],
    steps: [
      {
        name: 'charge',
        command: { topic: 'payments', type: 'pay.charge', secretFields: ['cardToken'] },
        commandData: (d, secrets) => ({ orderId: d.orderId, cardToken: secrets.cardToken }),
      },
    ],
  };
  const secrets = { cardToken: 'tok_4242' };

  it('puts secrets in the command and stores them redacted in the log, on the first send and on a resend', () => {
    const ctx = context();
    const started = startSaga(
      paying,
      { id: 's-1', data: { orderId: 'o-1', last4: '4242' }, correlationId: 'c-1', secrets },
      ctx,
    );
    expect(started.commands[0]?.data).toEqual({ orderId: 'o-1', cardToken: 'tok_4242' });
    expect(started.log[1]?.payload).toEqual({ orderId: 'o-1', cardToken: '[redacted]' });
    ctx.advance(2_000);
    const resent = applied(decide(paying, started.state, { kind: 'due' }, ctx, secrets));
    expect(resent.commands[0]?.data).toEqual({ orderId: 'o-1', cardToken: 'tok_4242' });
    expect(JSON.stringify(resent.log)).not.toContain('tok_4242');
    expect(JSON.stringify(resent.state)).not.toContain('tok_4242');
  });

  it("redacts the definition's other secret names in every log payload, replies included", () => {
    const ctx = context();
    const started = startSaga(
      paying,
      { id: 's-1', data: { orderId: 'o-1', last4: '4242' }, correlationId: 'c-1', secrets },
      ctx,
    );
    const step = started.state.steps[0];
    const t = applied(
      decide(
        paying,
        started.state,
        {
          kind: 'reply',
          reply: {
            sagaId: 's-1',
            step: 'charge',
            action: 'command',
            commandId: step?.commandId ?? '',
            outcome: 'success',
            data: { receipt: { oldToken: 'tok_old' } },
            reason: null,
          },
        },
        ctx,
        secrets,
      ),
    );
    expect(t.log[0]?.payload).toEqual({ receipt: { oldToken: '[redacted]' } });
  });
});
