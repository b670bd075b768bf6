import { describe, expect, it } from 'vitest';
import { applied, context, definition, iso, reply, resend, sent, start } from './decide.fixtures.ts';
import { decide, startSaga } from './decide.ts';
import { resendDelayMs } from './resend-schedule.ts';

describe('saga decisions: resends and deadlines', () => {
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

  it('sends nothing and counts no attempt while the last send is still queued in the outbox, and keeps the deadline', () => {
    const ctx = context();
    let s = start(ctx).state;
    for (const at of [1_000, 2_000, 3_000]) {
      ctx.at(at);
      const waited = applied(decide(definition, s, { kind: 'due', stillQueued: true }, ctx));
      expect(waited.commands).toEqual([]);
      expect(waited.log).toEqual([]);
      expect(waited.state.steps[0]).toMatchObject({ attempts: 1, nextSendAt: iso(at + 1_000) });
      s = waited.state;
    }
    ctx.at(4_000);
    const resent = applied(decide(definition, s, { kind: 'due' }, ctx));
    expect(sent(resent.commands)).toEqual(['command:book-hotel:id-1']);
    expect(resent.state.steps[0]).toMatchObject({ attempts: 2 });
    ctx.at(20_000);
    expect(
      applied(decide(definition, resent.state, { kind: 'due', stillQueued: true }, ctx)).state,
    ).toMatchObject({
      status: 'compensating',
    });
  });

  it('resends no sooner than a reply takes now, and still ends the step at its deadline', () => {
    // Object.assign keeps the fixture's clock (a getter) live.
    const ctx = Object.assign(context(), {
      expectedReplyMs: (step: string) => (step === 'book-hotel' ? 6_000 : undefined),
    });
    const first = start(ctx).state;
    // The schedule says 1 s; replies take 6 s now: the next send waits for that.
    expect(first.steps[0]).toMatchObject({ nextSendAt: iso(6_000) });
    ctx.at(6_000);
    const resent = applied(decide(definition, first, { kind: 'due' }, ctx));
    expect(sent(resent.commands)).toEqual(['command:book-hotel:id-1']);
    expect(resent.state.steps[0]).toMatchObject({ attempts: 2, nextSendAt: iso(12_000) });
    // Past the deadline (20 s) waiting ends whatever the estimate.
    ctx.at(20_000);
    const compensating = applied(decide(definition, resent.state, { kind: 'due' }, ctx)).state;
    expect(compensating.status).toBe('compensating');
    // A compensation keeps its own schedule (1 s here): its sends are counted towards `failed`.
    expect(compensating.steps[0]).toMatchObject({ status: 'compensating', nextSendAt: iso(21_000) });
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
});
