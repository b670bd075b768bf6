import type { SagaJourneyView } from '@conveyor/saga';
import { describe, expect, it } from 'vitest';
import { parseRoute } from './router.ts';
import { timelineModel } from './timeline-model.ts';

const entry = (
  seq: number,
  at: string,
  step: string | null,
  action: string,
  status: string,
  commandId: string | null,
) => ({
  seq,
  at: `2026-12-01T10:00:0${at}Z`,
  step,
  action,
  status,
  commandId,
  payload: null,
  error: null,
});

function journey(
  status: SagaJourneyView['saga']['status'],
  timeline: SagaJourneyView['saga']['timeline'],
): SagaJourneyView {
  const step = (name: string) => ({
    name,
    status: 'succeeded',
    commandId: null,
    attempts: 1,
    compensationCommandId: null,
    compensationAttempts: 0,
    startedAt: null,
    lastSentAt: null,
    nextSendAt: null,
    deadline: null,
    error: null,
  });
  return {
    saga: {
      id: 's',
      type: 'create-order',
      status,
      currentStep: null,
      correlationId: 'c',
      failureReason: null,
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:04.000Z',
      ageMs: 0,
      currentStepIndex: 0,
      data: {},
      steps: [step('reserve'), step('charge')],
      nextAttemptAt: null,
      version: 1,
      definitionVersion: 1,
      timeline,
    },
    messages: [],
    sources: [],
  };
}

describe('saga timeline on a time axis', () => {
  it('puts each log row on its step lane at its time, telling a compensation reply from a command reply', () => {
    const model = timelineModel(
      journey('compensated', [
        entry(1, '0.000', null, 'saga', 'running', null),
        entry(2, '0.000', 'reserve', 'command', 'sent', 'a'),
        entry(3, '1.000', 'reserve', 'reply', 'success', 'a'),
        entry(4, '1.000', 'charge', 'command', 'sent', 'b'),
        entry(5, '2.000', 'charge', 'command', 'resent (attempt 2)', 'b'),
        entry(6, '3.000', 'charge', 'reply', 'failure', 'b'),
        entry(7, '3.000', 'reserve', 'compensation', 'sent', 'c'),
        entry(8, '4.000', 'reserve', 'reply', 'success', 'c'),
      ]),
      new Date('2026-12-01T11:00:00Z'),
    );
    expect(model.lanes.map((l) => [l.step, l.marks.map((m) => m.kind)])).toEqual([
      [null, ['saga']],
      ['reserve', ['sent', 'replied', 'compensation-sent', 'compensated']],
      ['charge', ['sent', 'resent', 'refused']],
    ]);
    // A finished saga's axis ends at its last row, not now.
    expect(model.to).toBe('2026-12-01T10:00:04.000Z');
    expect(model.lanes[2]?.marks.map((m) => m.x)).toEqual([0.25, 0.5, 0.75]);
  });

  it('reads every page from the address fragment, the list when it names none', () => {
    expect(parseRoute('#/sagas/abc')).toEqual({ page: 'saga', id: 'abc' });
    expect(parseRoute('#/dead-letters/orders.events.dlq')).toEqual({
      page: 'dead-letters',
      topic: 'orders.events.dlq',
    });
    expect(parseRoute('#/projections')).toEqual({ page: 'projections' });
    expect(parseRoute('')).toEqual({ page: 'sagas' });
  });
});
