import { expectThrows } from '@conveyor/events/testing';
import { expect } from 'vitest';
import { type DecideContext, type Decision, decide, type SagaInput, startSaga } from '../decide.ts';
import type { TypedSagaDefinition } from '../define-saga.ts';
import type { SagaSecrets } from '../definition.ts';
import type { SagaReply, SagaState, SagaStatus } from '../saga-state.ts';

/**
 * What happens to a saga in a specification, by step name; replies answer what the step awaits.
 * Build them with the specification's helpers (`spec.replied(step, reply)` types the reply by step).
 */
export type SagaEvent<Replies> =
  | { kind: 'replied'; step: keyof Replies & string; reply: Replies[keyof Replies & string] }
  | { kind: 'refused'; step: keyof Replies & string; reason: string }
  | { kind: 'compensated'; step: keyof Replies & string; reply?: unknown }
  | { kind: 'compensation-refused'; step: keyof Replies & string; reason: string }
  /** The awaited step's deadline passes with no reply. */
  | { kind: 'deadline-passed' }
  | { kind: 'aborted'; reason: string };

/** A command the saga sends, as a `then` expects it (fields left out are not compared). */
export interface ExpectedCommand {
  step?: string;
  action?: 'command' | 'compensation';
  type?: string;
  topic?: string;
  data?: unknown;
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/**
 * Given/when/then for saga definitions, with no I/O, through the orchestrator's pure `decide`:
 *   const spec = sagaSpecification(definition);
 *   spec.given(start, [spec.replied('reserve', { totalCents: 10 })])
 *     .when(spec.refused('charge', 'declined'))
 *     .thenSends([{ type: 'inventory.release-stock', data: { orderId } }]);
 * Time starts at 2026-01-01 and stands still but for `deadline-passed`; ids are `id-1`, `id-2`…
 */
export function sagaSpecification<Start, Data, Replies>(
  definition: TypedSagaDefinition<Start, Data, Replies>,
) {
  type Event = SagaEvent<Replies>;
  type Step = keyof Replies & string;

  const run = (start: Start, history: Event[], event: Event, secrets: SagaSecrets) => {
    let counter = 0;
    let now = T0;
    const ctx = (): DecideContext => ({
      now: new Date(now),
      newId: () => `id-${++counter}`,
      random: () => 0.5,
    });
    const started = startSaga(
      definition,
      { id: 'saga-1', data: start, correlationId: 'corr-1', secrets },
      ctx(),
    );
    let state: SagaState<unknown> = started.state;
    const apply = (e: Event): Decision<unknown> => {
      if (e.kind === 'deadline-passed') {
        const deadline = state.steps[state.currentStep]?.deadline;
        if (!deadline) throw new Error('no step awaits a reply: no deadline can pass');
        now = Date.parse(deadline);
        return decide(definition, state, { kind: 'due' }, ctx(), secrets);
      }
      return decide(definition, state, toInput(state, e), ctx(), secrets);
    };
    for (const e of history) {
      const decision = apply(e);
      if (decision.kind !== 'applied')
        throw new Error(`given ${JSON.stringify(e)}: ${decision.kind} (${decision.reason})`);
      state = decision.transition.state;
    }
    return apply(event);
  };

  const applied = (decision: Decision<unknown>) => {
    if (decision.kind !== 'applied') throw new Error(`the event was ${decision.kind}: ${decision.reason}`);
    return decision.transition;
  };

  return {
    replied<N extends Step>(step: N, reply: Replies[N]): Event {
      return { kind: 'replied', step, reply };
    },
    refused(step: Step, reason: string): Event {
      return { kind: 'refused', step, reason };
    },
    compensated(step: Step, reply?: unknown): Event {
      return { kind: 'compensated', step, ...(reply === undefined ? {} : { reply }) };
    },
    compensationRefused(step: Step, reason: string): Event {
      return { kind: 'compensation-refused', step, reason };
    },
    deadlinePassed(): Event {
      return { kind: 'deadline-passed' };
    },
    aborted(reason: string): Event {
      return { kind: 'aborted', reason };
    },
    given(start: Start, history: Event[] = [], secrets: SagaSecrets = {}) {
      return {
        when(event: Event) {
          const decision = () => run(start, history, event, secrets);
          return {
            /** The commands and compensations sent, in order (each compared on the fields given). */
            thenSends(expected: ExpectedCommand[]) {
              expect(applied(decision()).commands).toMatchObject(expected);
              return this;
            },
            thenStatus(status: SagaStatus) {
              expect(applied(decision()).state.status).toBe(status);
              return this;
            },
            /** The saga data afterwards (compared as toMatchObject). */
            thenData(expected: Partial<Data>) {
              expect(applied(decision()).state.data).toMatchObject(expected);
              return this;
            },
            /** The event changes nothing (a duplicate or late reply). */
            thenIgnored() {
              expect(decision().kind).toBe('ignored');
              return this;
            },
            thenThrows(check: (error: unknown) => boolean) {
              expectThrows(decision, check, 'the saga');
            },
          };
        },
      };
    },
  };
}

/** A reply to the step's awaited command or compensation (what decide.ts checks it against). */
function toInput<Replies>(state: SagaState<unknown>, event: SagaEvent<Replies>): SagaInput {
  if (event.kind === 'aborted') return { kind: 'abort', reason: event.reason };
  if (event.kind === 'deadline-passed') return { kind: 'due' };
  const step = state.steps.find((s) => s.name === event.step);
  const compensation = event.kind === 'compensated' || event.kind === 'compensation-refused';
  const reply: SagaReply = {
    sagaId: state.id,
    step: event.step,
    action: compensation ? 'compensation' : 'command',
    commandId: (compensation ? step?.compensationCommandId : step?.commandId) ?? 'never-sent',
    outcome: event.kind === 'replied' || event.kind === 'compensated' ? 'success' : 'failure',
    data:
      event.kind === 'replied' ? event.reply : event.kind === 'compensated' ? (event.reply ?? null) : null,
    reason: event.kind === 'refused' || event.kind === 'compensation-refused' ? event.reason : null,
  };
  return { kind: 'reply', reply };
}
