import { describe, expect, it } from 'vitest';
import { applied, context, definition, iso, reply, sent, start } from './decide.fixtures.ts';
import { decide } from './decide.ts';

describe('saga decisions', () => {
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
});
