import type { SagaJourneyView, TimelineEntryView } from '@conveyor/saga';

export type MarkKind =
  | 'sent'
  | 'resent'
  | 'replied'
  | 'refused'
  | 'compensation-sent'
  | 'compensation-resent'
  | 'compensated'
  | 'deadline'
  | 'operator'
  | 'saga';

export interface Mark {
  seq: number;
  at: string;
  /** 0 at the saga's first log row, 1 at its last (or now, while it runs). */
  x: number;
  kind: MarkKind;
  label: string;
}

export interface Lane {
  /** A step's name, or null for the saga's own rows (start, end, operator actions without a step). */
  step: string | null;
  status: string | null;
  marks: Mark[];
}

export interface TimelineModel {
  from: string;
  to: string;
  lanes: Lane[];
}

/** Pure: the saga's log on one time axis, a lane per step in the definition's order. */
export function timelineModel(journey: SagaJourneyView, now: Date): TimelineModel {
  const { saga } = journey;
  const entries = saga.timeline;
  const from = entries[0]?.at ?? saga.createdAt;
  const running = saga.status === 'running' || saga.status === 'compensating';
  const last = entries.at(-1)?.at ?? saga.updatedAt;
  const to = running && now.toISOString() > last ? now.toISOString() : last;
  const span = Math.max(Date.parse(to) - Date.parse(from), 1);
  const compensations = new Set(
    entries.filter((e) => e.action === 'compensation' && e.commandId !== null).map((e) => e.commandId),
  );
  const lanes: Lane[] = [
    { step: null, status: saga.status, marks: [] },
    ...saga.steps.map((step) => ({ step: step.name, status: step.status, marks: [] })),
  ];
  for (const entry of entries) {
    const lane = lanes.find((l) => l.step === entry.step) ?? lanes[0];
    lane?.marks.push({
      seq: entry.seq,
      at: entry.at,
      x: (Date.parse(entry.at) - Date.parse(from)) / span,
      kind: kindOf(entry, compensations),
      label: `${entry.action} ${entry.status}${entry.error ? `: ${entry.error}` : ''}`,
    });
  }
  return { from, to, lanes };
}

function kindOf(entry: TimelineEntryView, compensations: ReadonlySet<string | null>): MarkKind {
  const resent = entry.status.startsWith('resent');
  switch (entry.action) {
    case 'command':
      return resent ? 'resent' : 'sent';
    case 'compensation':
      return resent ? 'compensation-resent' : 'compensation-sent';
    case 'reply':
      if (compensations.has(entry.commandId)) return 'compensated';
      return entry.status === 'success' ? 'replied' : 'refused';
    case 'deadline':
      return 'deadline';
    case 'operator':
      return 'operator';
    default:
      return 'saga';
  }
}
