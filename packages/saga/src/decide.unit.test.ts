import { describe, expect, it } from 'vitest';
import { type DecideContext, decide, type SagaCommand, startSaga, type Transition } from './decide.ts';
import type { SagaDefinition } from './definition.ts';
import type { SagaReply, SagaState } from './saga-state.ts';

interface TripData {
  tripId: string;
  hotelRef?: string;
}

const definition: SagaDefinition<TripData> = {
  type: 'book-trip',
  maxCompensationAttempts: 2,
  steps: [
    {
      name: 'book-hotel',
      command: { topic: 'hotels', type: 'hotel.book' },
      commandData: (d) => ({ tripId: d.tripId }),
      compensation: { topic: 'hotels', type: 'hotel.cancel', data: (d) => ({ ref: d.hotelRef }) },
      onSuccess: (d, reply) => ({ ...d, hotelRef: (reply as { ref: string }).ref }),
      timeoutMs: 1_000,
      maxAttempts: 2,
    },
    {
      name: 'book-flight',
      command: { topic: 'flights', type: 'flight.book' },
      commandData: (d) => ({ tripId: d.tripId }),
      compensation: { topic: 'flights', type: 'flight.cancel', data: (d) => ({ tripId: d.tripId }) },
      timeoutMs: 1_000,
      maxAttempts: 2,
    },
    {
      name: 'notify',
      command: { topic: 'mail', type: 'mail.send' },
      commandData: (d) => ({ tripId: d.tripId }),
      timeoutMs: 1_000,
    },
  ],
};

function context(start = 0): DecideContext & { advance(ms: number): void } {
  let now = start;
  let n = 0;
  return {
    get now() {
      return new Date(now);
    },
    newId: () => `id-${++n}`,
    advance(ms: number) {
      now += ms;
    },
  };
}

function applied<D>(decision: ReturnType<typeof decide<D>>): Transition<D> {
  if (decision.kind !== 'applied')
    throw new Error(`expected applied, got ${decision.kind}: ${decision.reason}`);
  return decision.transition;
}

const reply = (
  state: SagaState<TripData>,
  outcome: 'success' | 'failure',
  data: unknown = {},
  reason: string | null = null,
): SagaReply => {
  const step = state.steps[state.currentStep];
  if (!step) throw new Error('no current step');
  const action = state.status === 'compensating' ? 'compensation' : 'command';
  const commandId = (action === 'command' ? step.commandId : step.compensationCommandId) ?? '';
  return { sagaId: state.id, step: step.name, action, commandId, outcome, data, reason };
};

const sent = (commands: SagaCommand[]) => commands.map((c) => `${c.action}:${c.step}:${c.commandId}`);

describe('saga decisions', () => {
  const start = (ctx: DecideContext) =>
    startSaga(definition, { id: 's-1', data: { tripId: 't-1' }, correlationId: 'c-1' }, ctx);

  it('starts with the first command and a deadline', () => {
    const ctx = context();
    const t = start(ctx);
    expect(t.state).toMatchObject({ status: 'running', currentStep: 0, deadline: new Date(1_000) });
    expect(t.commands).toEqual([
      {
        step: 'book-hotel',
        action: 'command',
        commandId: 'id-1',
        topic: 'hotels',
        type: 'hotel.book',
        data: { tripId: 't-1' },
        attempt: 1,
      },
    ]);
    expect(t.log.map((l) => `${l.action}:${l.status}`)).toEqual(['saga:running', 'command:sent']);
  });

  it('walks every step on success, folding reply data, and completes', () => {
    const ctx = context();
    let s = start(ctx).state;
    const t1 = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'success', { ref: 'H-9' }) }, ctx),
    );
    expect(t1.state.data).toEqual({ tripId: 't-1', hotelRef: 'H-9' });
    expect(sent(t1.commands)).toEqual(['command:book-flight:id-2']);
    s = t1.state;
    s = applied(decide(definition, s, { kind: 'reply', reply: reply(s, 'success') }, ctx)).state;
    const last = applied(decide(definition, s, { kind: 'reply', reply: reply(s, 'success') }, ctx));
    expect(last.state).toMatchObject({ status: 'completed', deadline: null });
    expect(last.commands).toEqual([]);
    expect(last.state.steps.map((x) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('compensates only the steps before a failed one, in reverse order', () => {
    const ctx = context();
    let s = start(ctx).state;
    s = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'success', { ref: 'H-9' }) }, ctx),
    ).state;
    const failed = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'failure', null, 'no seats') }, ctx),
    );
    expect(failed.state).toMatchObject({
      status: 'compensating',
      currentStep: 0,
      failureReason: 'book-flight: no seats',
    });
    expect(failed.commands).toEqual([
      expect.objectContaining({ action: 'compensation', step: 'book-hotel', data: { ref: 'H-9' } }),
    ]);
    const done = applied(
      decide(definition, failed.state, { kind: 'reply', reply: reply(failed.state, 'success') }, ctx),
    );
    expect(done.state.status).toBe('compensated');
    expect(done.state.steps.map((x) => x.status)).toEqual(['compensated', 'failed', 'pending']);
  });

  it('ignores a duplicated or late reply', () => {
    const ctx = context();
    const s0 = start(ctx).state;
    const first = reply(s0, 'success', { ref: 'H-1' });
    const s1 = applied(decide(definition, s0, { kind: 'reply', reply: first }, ctx)).state;
    expect(decide(definition, s1, { kind: 'reply', reply: first }, ctx)).toMatchObject({ kind: 'ignored' });
  });

  it('resends a timed-out command with the same id, then treats the step as unknown and compensates it', () => {
    const ctx = context();
    const s0 = start(ctx).state;
    expect(decide(definition, s0, { kind: 'timeout' }, ctx)).toMatchObject({ kind: 'ignored' }); // not due yet
    ctx.advance(1_000);
    const retried = applied(decide(definition, s0, { kind: 'timeout' }, ctx));
    expect(sent(retried.commands)).toEqual(['command:book-hotel:id-1']);
    expect(retried.state.steps[0]?.attempts).toBe(2);
    ctx.advance(1_000);
    const givenUp = applied(decide(definition, retried.state, { kind: 'timeout' }, ctx));
    expect(givenUp.state.steps[0]?.status).toBe('compensating');
    expect(sent(givenUp.commands)).toEqual(['compensation:book-hotel:id-2']);
    expect(givenUp.state.failureReason).toBe('book-hotel: timed out');
  });

  it('waits in failed when a compensation keeps failing, and completes after a replay', () => {
    const ctx = context();
    let s = start(ctx).state;
    s = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'success', { ref: 'H-1' }) }, ctx),
    ).state;
    s = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'failure', null, 'no seats') }, ctx),
    ).state;
    const again = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'failure', null, 'hotel API down') }, ctx),
    );
    expect(sent(again.commands)).toEqual(['compensation:book-hotel:id-4']); // a new id: the failed attempt is in the inbox
    const failed = applied(
      decide(
        definition,
        again.state,
        { kind: 'reply', reply: reply(again.state, 'failure', null, 'down') },
        ctx,
      ),
    );
    expect(failed.state).toMatchObject({ status: 'failed', deadline: null });
    expect(failed.commands).toEqual([]);

    expect(decide(definition, failed.state, { kind: 'retry' }, ctx)).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('failed'),
    });
    const replay = applied(decide(definition, failed.state, { kind: 'replay-compensations' }, ctx));
    expect(replay.state.status).toBe('compensating');
    expect(sent(replay.commands)).toEqual(['compensation:book-hotel:id-5']);
    const done = applied(
      decide(definition, replay.state, { kind: 'reply', reply: reply(replay.state, 'success') }, ctx),
    );
    expect(done.state.status).toBe('compensated');
  });

  it('aborts a running saga by compensating the step in flight and those before it', () => {
    const ctx = context();
    let s = start(ctx).state;
    s = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'success', { ref: 'H-1' }) }, ctx),
    ).state;
    const aborted = applied(decide(definition, s, { kind: 'abort', reason: 'customer called' }, ctx));
    expect(sent(aborted.commands)).toEqual(['compensation:book-flight:id-3']);
    expect(aborted.state.failureReason).toBe('aborted: customer called');
    const next = applied(
      decide(definition, aborted.state, { kind: 'reply', reply: reply(aborted.state, 'success') }, ctx),
    );
    expect(sent(next.commands)).toEqual(['compensation:book-hotel:id-4']);
    expect(decide(definition, next.state, { kind: 'abort', reason: 'again' }, ctx)).toMatchObject({
      kind: 'refused',
      reason: 'saga is compensating; only a running saga can be aborted',
    });
  });

  it('does not change the state it was given', () => {
    const ctx = context();
    const s = start(ctx).state;
    const before = structuredClone(s);
    decide(definition, s, { kind: 'reply', reply: reply(s, 'success', { ref: 'x' }) }, ctx);
    expect(s).toEqual(before);
  });

  it('refuses to retry a step that has had all its attempts unless forced', () => {
    const ctx = context();
    const s0 = start(ctx).state;
    const s1 = applied(decide(definition, s0, { kind: 'retry' }, ctx)).state; // attempt 2 of 2
    expect(decide(definition, s1, { kind: 'retry' }, ctx)).toEqual({
      kind: 'refused',
      reason:
        'the command of step book-hotel was sent 2 times, its limit of 2; retry with force to send it once more',
    });
    const forced = applied(decide(definition, s1, { kind: 'retry', force: true }, ctx));
    expect(sent(forced.commands)).toEqual(['command:book-hotel:id-1']);
    expect(forced.state.steps[0]?.attempts).toBe(3);
    expect(forced.log.map((l) => `${l.action}:${l.status}`)).toEqual([
      'operator:retry (forced)',
      'command:resent (attempt 3)',
    ]);
  });
});

describe('saga secrets in decisions', () => {
  interface PayData {
    orderId: string;
    last4: string;
  }
  const paying: SagaDefinition<PayData> = {
    type: 'pay',
    secretFields: ['oldToken'],
    steps: [
      {
        name: 'charge',
        command: { topic: 'payments', type: 'pay.charge', secretFields: ['cardToken'] },
        commandData: (d, secrets) => ({ orderId: d.orderId, cardToken: secrets.cardToken }),
        timeoutMs: 1_000,
        maxAttempts: 3,
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
    ctx.advance(1_000);
    const resent = applied(decide(paying, started.state, { kind: 'timeout' }, ctx, secrets));
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
