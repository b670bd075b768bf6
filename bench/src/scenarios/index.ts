import type { BenchContext } from '../context.ts';
import type { ResultRow, ScenarioName } from '../scenario.ts';
import { appendScenario } from './append.ts';
import { consumeScenario } from './consume.ts';
import { gatewayScenario } from './gateway.ts';
import { rebuildScenario } from './rebuild.ts';
import { relayScenario } from './relay.ts';
import { sagaScenario } from './saga.ts';
import { sagaLatencyScenario } from './saga-latency.ts';

export type ScenarioRun = (ctx: BenchContext) => Promise<ResultRow[]>;

/** Every scenario, in the order `npm run bench` runs them. */
export const SCENARIOS: Record<ScenarioName, ScenarioRun> = {
  relay: relayScenario,
  append: appendScenario,
  consume: consumeScenario,
  rebuild: rebuildScenario,
  saga: sagaScenario,
  'saga-latency': sagaLatencyScenario,
  gateway: gatewayScenario,
};
