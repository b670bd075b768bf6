// Fixtures shared by the decide unit specs (one file per concern): a three-step trip saga, a clock
// that moves only when told, and helpers to read transitions.
import { type DecideContext, type decide, type SagaCommand, startSaga, type Transition } from './decide.ts';
import type { SagaDefinition } from './definition.ts';
import type { SagaReply, SagaState } from './saga-state.ts';

export interface TripData {
  tripId: string;
  hotelRef?: string;
}

/** Resends after 1 s, 2 s, 4 s, then every 8 s; the hotel may wait 20 s for its answer. */
export const resend = { initialDelayMs: 1_000, maxDelayMs: 8_000, jitter: 0.2 };
export const definition: SagaDefinition<TripData> = {
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
export function context(
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

export function applied<D>(decision: ReturnType<typeof decide<D>>): Transition<D> {
  if (decision.kind !== 'applied')
    throw new Error(`expected applied, got ${decision.kind}: ${decision.reason}`);
  return decision.transition;
}

export const reply = (
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

export const iso = (ms: number) => new Date(ms).toISOString();

export const sent = (commands: SagaCommand[]) => commands.map((c) => `${c.action}:${c.step}:${c.commandId}`);

export const start = (ctx: DecideContext) =>
  startSaga(definition, { id: 's-1', data: { tripId: 't-1' }, correlationId: 'c-1' }, ctx);
