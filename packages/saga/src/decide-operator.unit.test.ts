import { describe, expect, it } from 'vitest';
import { applied, context, definition, iso, reply, sent, start } from './decide.fixtures.ts';
import { decide } from './decide.ts';

describe('saga decisions: compensation retries and operator actions', () => {
  it('uses up no compensation attempt while its last send is still queued in the outbox', () => {
    const ctx = context();
    let s = start(ctx).state;
    s = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'success', { ref: 'H-1' }) }, ctx),
    ).state;
    s = applied(
      decide(definition, s, { kind: 'reply', reply: reply(s, 'failure', null, 'no seats') }, ctx),
    ).state;
    for (let i = 1; i <= 20; i++) {
      ctx.at(s.nextAttemptAt?.getTime() ?? Number.NaN);
      const waited = applied(decide(definition, s, { kind: 'due', stillQueued: true }, ctx));
      expect(waited.commands).toEqual([]);
      s = waited.state;
    }
    expect(s.status).toBe('compensating');
    expect(s.steps[0]).toMatchObject({ compensationCommandId: 'id-3', compensationAttempts: 1 });
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
      failureReason: 'book-flight: no seats',
    });
    expect(failed.state.steps[0]?.error).toBe('compensation of book-hotel got no reply after 3 attempts');
    expect(failed.commands).toEqual([]);
    expect(decide(definition, failed.state, { kind: 'due' }, ctx)).toMatchObject({ kind: 'ignored' });

    const replay = applied(decide(definition, failed.state, { kind: 'replay-compensations' }, ctx));
    expect(replay.state.status).toBe('compensating');
    expect(sent(replay.commands)).toEqual(['compensation:book-hotel:id-5']);
    const done = applied(
      decide(definition, replay.state, { kind: 'reply', reply: reply(replay.state, 'success') }, ctx),
    );
    // Compensated in the end for what started the compensation, not for the trouble on the way.
    expect(done.state).toMatchObject({
      status: 'compensated',
      nextAttemptAt: null,
      failureReason: 'book-flight: no seats',
    });
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
    expect(s).toMatchObject({ status: 'failed', nextAttemptAt: null, failureReason: 'aborted: test' });
    expect(s.steps[0]?.error).toBe('compensation of book-hotel failed: down after 3 attempts');
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
