/**
 * Pure domain logic as three functions: decide what happens, evolve state by what happened, and
 * where state starts. Time and ids arrive inside commands, never from the clock or a generator.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}
