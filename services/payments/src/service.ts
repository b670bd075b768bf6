import type { TopicKey } from '@conveyor/schemas';
import { defineService } from '@conveyor/service';
import { buildApp } from './app.ts';
import type { PaymentsConfig } from './config.ts';
import { migrations } from './db/migrations.ts';
import { createDeps, type Deps, type DepsOverrides } from './deps.ts';
import { createPaymentsParticipant } from './messaging/payments-participant.ts';

/** The topics the service consumes (commands) or produces (events, replies). */
const TOPICS: readonly TopicKey[] = ['paymentsCommands', 'paymentsEvents', 'sagaReplies'];

/** Payments: the saga participant (charge and refund) and the payments app; no read model. */
export const paymentsService = defineService({
  name: 'payments',
  migrations,
  topics: TOPICS,
  produces: TOPICS,
  deps: createDeps,
  wire: (deps: Deps, { verifyToken, logger }) => ({
    workers: [createPaymentsParticipant(deps)],
    app: () => buildApp(deps, { verifyToken, logger }),
  }),
});

export type PaymentsService = Awaited<ReturnType<typeof paymentsService.start>>;

/** The whole service, not listening: what main.ts runs, with test seams. */
export const startPaymentsService = (config: PaymentsConfig, overrides: DepsOverrides = {}) =>
  paymentsService.start(config, { overrides });
