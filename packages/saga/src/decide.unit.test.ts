import { describe, expect, it } from 'vitest';
import { type DecideContext, decide, type SagaCommand, startSaga, type Transition } from './decide.ts';
import type { SagaDefinition } from './definition.ts';
import { resendDelayMs } from './resend-schedule.ts';
import type { SagaReply, SagaState } from './saga-state.ts';

interface TripData {
  tripId: string;
  hotelRef?: string;
}

/** Resends after 1 s, 2 s, 4 s, then every 8 s; the hotel may wait 20 s for its answer. */
const resend = { initialDelayMs: 1_000, maxDelayMs: 8_000, jitter: 0.2 };
const definition: SagaDefinition<TripData> = {
  type: 'book-trip',
  version: 1,
  maxCompensationAttempts: 3,
  steps: [
    {
      name: 'book-hotel',
      command: { topic: 'hotels', type: 'hotel.book' },
      commandData: (d) => ({ tripId: d.tripId }),
      compensation: { topic: 'hotels', type: 'hotel.cancel', data: (d) => ({ ref: d.hotelRef }) },
      onReply: (d, reply) => ({ ...d, hotelRef: reply.ref }),
      resend,
      deadlineMs: 20_000,
    },
    {
      name: 'book-flight',
      command: { topic: 'flights', type: 'flight.book' },
      commandData: (d) => ({ tripId: d.tripId }),
      compensation: { topic: 'flights', type: 'flight.cancel', data: (d) => ({ tripId: d.tripId }) },
      resend,
      deadlineMs: 20_000,
    },
    {
      name: 'notify',
      command: { topic: 'mail', type: 'mail.send' },
      commandData: (d) => ({ tripId: d.tripId }),
    },
  ],
};

/** A clock that moves only when told, ids in order, and a jitter draw (0.5: no jitter) that tests can change. */
function context(
  start = 0,
): DecideContext & { advance(ms: number): void; at(ms: number): void; draw: number } {
  let now = start;
  let n = 0;
  const ctx = {
    draw: 0.5,
    get now() {
      return new Date(now);
    },
    newId: () => `id-${++n}`,
    random: () => ctx.draw,
    advance(ms: number) {
      now += ms;
    },
    at(ms: number) {
      now = ms;
    },
  };
  return ctx;
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

const iso = (ms: number) => new Date(ms).toISOString();

const sent = (commands: SagaCommand[]) => commands.map((c) => `${c.action}:${c.step}:${c.commandId}`);

describe('saga decisions', () => {
  const start = (ctx: DecideContext) =>
    startSaga(definition, { id: 's-1', data: { tripId: 't-1' }, correlationId: 'c-1' }, ctx);

  it('starts with the first command, its next send and its deadline', () => {
    const ctx = context();
    const t = start(ctx);
    expect(t.state).toMatchObject({ status: 'running', currentStep: 0, nextAttemptAt: new Date(1_000) });
    expect(t.state.steps[0]).toMatchObject({
      status: 'running',
      attempts: 1,
      startedAt: iso(0),
      lastSentAt: iso(0),
      nextSendAt: iso(1_000),
      deadline: iso(20_000),
    });
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
    expect(last.state).toMatchObject({ status: 'completed', nextAttemptAt: null });
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

  it('resends an unanswered command with the same id on a doubling schedule up to its cap', () => {
    const ctx = context();
    let s = start(ctx).state;
    ctx.at(999);
    expect(decide(definition, s, { kind: 'due' }, ctx)).toMatchObject({ kind: 'ignored' }); // not due yet
    const sends: [at: number, next: string | null][] = [];
    for (let i = 0; i < 4; i++) {
      ctx.at(s.nextAttemptAt?.getTime() ?? Number.NaN);
      const t = applied(decide(definition, s, { kind: 'due' }, ctx));
      expect(sent(t.commands)).toEqual(['command:book-hotel:id-1']);
      expect(t.log).toEqual([
        expect.objectContaining({
          action: 'command',
          status: `resent (attempt ${i + 2})`,
          commandId: 'id-1',
        }),
      ]);
      s = t.state;
      sends.push([ctx.now.getTime(), s.steps[0]?.nextSendAt ?? null]);
    }
    // Waits of 1 s, 2 s, 4 s, then 8 s, the cap.
    expect(sends).toEqual([
      [1_000, iso(3_000)],
      [3_000, iso(7_000)],
      [7_000, iso(15_000)],
      [15_000, iso(23_000)],
    ]);
    expect(s.steps[0]).toMatchObject({ attempts: 5, lastSentAt: iso(15_000), deadline: iso(20_000) });
  });

  it('keeps resending at the cap for as long as the deadline allows', () => {
    const patient = {
      ...definition,
      steps: definition.steps.map((step) => ({ ...step, deadlineMs: 600_000 })),
    };
    const ctx = context();
    let s = startSaga(patient, { id: 's-1', data: { tripId: 't-1' }, correlationId: 'c-1' }, ctx).state;
    const waits: number[] = [];
    while (s.status === 'running') {
      const next = s.nextAttemptAt?.getTime() ?? Number.NaN;
      waits.push(next - ctx.now.getTime());
      ctx.at(next);
      s = applied(decide(patient, s, { kind: 'due' }, ctx)).state;
    }
    expect(waits.slice(0, 6)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    // Sends at 0, 1, 3 and 7 s, then every 8 s from 15 s to 599 s: 78 sends, then the deadline.
    expect(s.steps[0]?.attempts).toBe(78);
    expect(ctx.now.getTime()).toBe(600_000);
    expect(s.status).toBe('compensating');
  });

  it('wakes at the deadline when it comes before the next send, and compensates the step whose outcome it does not know', () => {
    const ctx = context();
    let s = start(ctx).state;
    for (const at of [1_000, 3_000, 7_000, 15_000]) {
      ctx.at(at);
      s = applied(decide(definition, s, { kind: 'due' }, ctx)).state;
    }
    expect(s.steps[0]?.nextSendAt).toBe(iso(23_000));
    expect(s.nextAttemptAt).toEqual(new Date(20_000));

    ctx.at(20_000);
    const passed = applied(decide(definition, s, { kind: 'due' }, ctx));
    expect(passed.state).toMatchObject({
      status: 'compensating',
      currentStep: 0,
      failureReason: 'book-hotel: timed out (no reply to 5 sends within its 20000 ms deadline)',
    });
    expect(passed.state.steps[0]).toMatchObject({ status: 'compensating', attempts: 5 });
    expect(sent(passed.commands)).toEqual(['compensation:book-hotel:id-2']);
    expect(passed.log.map((l) => `${l.action}:${l.status}`)).toEqual([
      'deadline:passed',
      'saga:compensating',
      'compensation:sent',
    ]);
  });

  it('keeps every resend delay within its jitter either way of the schedule', () => {
    for (const [draw, first, capped] of [
      [0, 800, 6_400],
      [0.5, 1_000, 8_000],
      [0.999_999, 1_200, 9_600],
    ] as const) {
      const ctx = context();
      ctx.draw = draw;
      const s = start(ctx).state;
      expect(Date.parse(s.steps[0]?.nextSendAt ?? '')).toBe(first);
      ctx.at(50);
      const retried = applied(decide(definition, s, { kind: 'retry' }, ctx)).state; // attempt 2
      expect(Date.parse(retried.steps[0]?.nextSendAt ?? '') - 50).toBe(first * 2);
      expect(resendDelayMs(9, resend, draw)).toBe(capped);
    }
    for (let attempt = 1; attempt <= 1_100; attempt++) {
      const base = Math.min(1_000 * 2 ** (attempt - 1), 8_000);
      for (const draw of [0, 0.25, 0.5, 0.75, 0.999]) {
        const delay = resendDelayMs(attempt, resend, draw);
        expect(delay).toBeGreaterThanOrEqual(base * 0.8);
        expect(delay).toBeLessThanOrEqual(base * 1.2);
      }
    }
  });

  it('proceeds on a success reply that arrives after resends, and ignores the answers to the other copies', () => {
    const ctx = context();
    const s0 = start(ctx).state;
    ctx.at(1_000);
    const s1 = applied(decide(definition, s0, { kind: 'due' }, ctx)).state;
    ctx.at(3_000);
    const s2 = applied(decide(definition, s1, { kind: 'due' }, ctx)).state;
    ctx.at(4_500);
    const answer = reply(s2, 'success', { ref: 'H-1' });
    const next = applied(decide(definition, s2, { kind: 'reply', reply: answer }, ctx));
    expect(next.state.steps[0]).toMatchObject({ status: 'succeeded', attempts: 3, nextSendAt: null });
    expect(next.state).toMatchObject({ status: 'running', currentStep: 1, nextAttemptAt: new Date(5_500) });
    expect(sent(next.commands)).toEqual(['command:book-flight:id-2']);
    expect(decide(definition, next.state, { kind: 'reply', reply: answer }, ctx)).toMatchObject({
      kind: 'ignored',
    });
  });

  it('compensates on a failure reply that arrives after resends, without waiting for the deadline', () => {
    const ctx = context();
    let s = start(ctx).state;
    s = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'success', { ref: 'H-1' }) }, ctx),
    ).state;
    ctx.at(1_000);
    s = applied(decide(definition, s, { kind: 'due' }, ctx)).state;
    expect(s.steps[1]?.attempts).toBe(2);
    const refused = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'failure', null, 'no seats') }, ctx),
    );
    expect(refused.state).toMatchObject({
      status: 'compensating',
      currentStep: 0,
      failureReason: 'book-flight: no seats',
    });
    expect(refused.state.steps[1]).toMatchObject({ status: 'failed', nextSendAt: null });
    expect(sent(refused.commands)).toEqual(['compensation:book-hotel:id-3']);
  });

  it('counts the deadline of a step sent before deadlines were kept from its first send', () => {
    const ctx = context();
    const legacy = structuredClone(start(ctx).state);
    Object.assign(legacy.steps[0] ?? {}, { lastSentAt: null, nextSendAt: null, deadline: null });
    ctx.at(5_000);
    expect(applied(decide(definition, legacy, { kind: 'due' }, ctx)).state.steps[0]).toMatchObject({
      attempts: 2,
      deadline: iso(20_000),
    });
    ctx.at(20_000);
    expect(applied(decide(definition, legacy, { kind: 'due' }, ctx)).state.status).toBe('compensating');
  });

  it('resends an unanswered compensation, retries a refused one with a new id after a wait, then waits in failed; a replay ends it', () => {
    const ctx = context();
    let s = start(ctx).state;
    s = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'success', { ref: 'H-1' }) }, ctx),
    ).state;
    s = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'failure', null, 'no seats') }, ctx),
    ).state;
    expect(s.steps[0]).toMatchObject({ compensationCommandId: 'id-3', nextSendAt: iso(1_000) });

    ctx.at(1_000); // no reply: the same compensation again
    const resent = applied(decide(definition, s, { kind: 'due' }, ctx));
    expect(sent(resent.commands)).toEqual(['compensation:book-hotel:id-3']);
    expect(resent.state.steps[0]).toMatchObject({ compensationAttempts: 2, nextSendAt: iso(3_000) });

    ctx.at(1_500); // refused: retried after the wait, with a new id (the refused one is in the inbox)
    const refused = applied(
      decide(
        definition,
        resent.state,
        { kind: 'reply', reply: reply(resent.state, 'failure', null, 'down') },
        ctx,
      ),
    );
    expect(refused.commands).toEqual([]);
    expect(refused.state).toMatchObject({ status: 'compensating', nextAttemptAt: new Date(3_500) });
    expect(refused.state.steps[0]).toMatchObject({ compensationCommandId: null, error: 'down' });
    ctx.at(3_500);
    const retried = applied(decide(definition, refused.state, { kind: 'due' }, ctx));
    expect(sent(retried.commands)).toEqual(['compensation:book-hotel:id-4']);
    expect(retried.log.map((l) => `${l.action}:${l.status}`)).toEqual(['compensation:resent (attempt 3)']);

    ctx.at(7_500); // the third send, the limit, gets no reply
    const failed = applied(decide(definition, retried.state, { kind: 'due' }, ctx));
    expect(failed.state).toMatchObject({
      status: 'failed',
      nextAttemptAt: null,
      failureReason: 'compensation of book-hotel got no reply after 3 attempts',
    });
    expect(failed.commands).toEqual([]);
    expect(decide(definition, failed.state, { kind: 'due' }, ctx)).toMatchObject({ kind: 'ignored' });

    const replay = applied(decide(definition, failed.state, { kind: 'replay-compensations' }, ctx));
    expect(replay.state.status).toBe('compensating');
    expect(sent(replay.commands)).toEqual(['compensation:book-hotel:id-5']);
    const done = applied(
      decide(definition, replay.state, { kind: 'reply', reply: reply(replay.state, 'success') }, ctx),
    );
    expect(done.state).toMatchObject({ status: 'compensated', nextAttemptAt: null });
  });

  it('waits in failed at once when the last allowed compensation is refused', () => {
    const ctx = context();
    let s = start(ctx).state;
    s = applied(decide(definition, s, { kind: 'abort', reason: 'test' }, ctx)).state;
    for (let attempt = 1; attempt <= 3; attempt++) {
      s = applied(
        decide(definition, s, { kind: 'reply', reply: reply(s, 'failure', null, 'down') }, ctx),
      ).state;
      if (attempt < 3) {
        ctx.at(s.nextAttemptAt?.getTime() ?? Number.NaN);
        s = applied(decide(definition, s, { kind: 'due' }, ctx)).state;
      }
    }
    expect(s).toMatchObject({
      status: 'failed',
      nextAttemptAt: null,
      failureReason: 'compensation of book-hotel failed: down after 3 attempts',
    });
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

  it('retries a waiting command now, as often as asked and without force, and sends the next one on the schedule from then', () => {
    const ctx = context();
    let s = start(ctx).state;
    for (let i = 0; i < 6; i++) {
      ctx.advance(100);
      const t = applied(decide(definition, s, { kind: 'retry' }, ctx));
      expect(sent(t.commands)).toEqual(['command:book-hotel:id-1']);
      expect(t.log.map((l) => `${l.action}:${l.status}`)).toEqual([
        'operator:retry',
        `command:resent (attempt ${i + 2})`,
      ]);
      s = t.state;
    }
    expect(s.steps[0]).toMatchObject({
      attempts: 7,
      lastSentAt: iso(600),
      nextSendAt: iso(600 + 8_000),
      deadline: iso(20_000), // an operator's resend does not move the business deadline
    });
    const forced = applied(decide(definition, s, { kind: 'retry', force: true }, ctx));
    expect(forced.log[0]).toMatchObject({ action: 'operator', status: 'retry' });
  });

  it('refuses to retry a compensation that has had all its attempts unless forced, also that of a failed saga', () => {
    const ctx = context();
    let s = start(ctx).state;
    s = applied(decide(definition, s, { kind: 'abort', reason: 'test' }, ctx)).state; // compensation 1 of 3
    s = applied(decide(definition, s, { kind: 'retry' }, ctx)).state; // 2 of 3
    s = applied(decide(definition, s, { kind: 'retry' }, ctx)).state; // 3 of 3
    expect(decide(definition, s, { kind: 'retry' }, ctx)).toEqual({
      kind: 'refused',
      reason:
        'the compensation of step book-hotel was sent 3 times, its limit of 3; retry with force to send it once more',
    });
    const forced = applied(decide(definition, s, { kind: 'retry', force: true }, ctx));
    expect(sent(forced.commands)).toEqual(['compensation:book-hotel:id-2']);
    expect(forced.state.steps[0]?.compensationAttempts).toBe(4);
    expect(forced.log.map((l) => `${l.action}:${l.status}`)).toEqual([
      'operator:retry (forced)',
      'compensation:resent (attempt 4)',
    ]);

    ctx.at(forced.state.nextAttemptAt?.getTime() ?? Number.NaN);
    const failed = applied(decide(definition, forced.state, { kind: 'due' }, ctx)).state;
    expect(failed.status).toBe('failed');
    expect(decide(definition, failed, { kind: 'retry' }, ctx)).toEqual({
      kind: 'refused',
      reason:
        'saga is failed: the compensation of step book-hotel was sent 4 times, its limit of 3; retry with force to send it once more',
    });
    const revived = applied(decide(definition, failed, { kind: 'retry', force: true }, ctx));
    expect(revived.state.status).toBe('compensating');
    expect(revived.log.map((l) => `${l.action}:${l.status}`)).toEqual([
      'operator:retry (forced)',
      'saga:compensating',
      'compensation:resent (attempt 5)',
    ]);
    // Its last send got no reply, so the same id may still be answered.
    expect(sent(revived.commands)).toEqual(['compensation:book-hotel:id-2']);
  });

  it('refuses a retry when nothing is awaited', () => {
    const ctx = context();
    let s = start(ctx).state;
    for (let i = 0; i < 3; i++)
      s = applied(
        decide(definition, s, { kind: 'reply', reply: reply(s, 'success', { ref: 'H' }) }, ctx),
      ).state;
    expect(decide(definition, s, { kind: 'retry', force: true }, ctx)).toEqual({
      kind: 'refused',
      reason: 'saga is completed; retry applies to running, compensating or failed sagas',
    });
  });
});

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
