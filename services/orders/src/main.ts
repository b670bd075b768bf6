import { bootTelemetry } from '@conveyor/telemetry';

// Telemetry first: with tracing on, pg and fastify must be imported after its module hooks are in
// place, hence the dynamic imports. Wiring only: the environment is read here and nowhere below.
const telemetry = await bootTelemetry('orders', process.env);
const { runMain } = await import('@conveyor/service');
const { loadConfig } = await import('./config.ts');
const { ordersService } = await import('./service.ts');
await runMain(ordersService, () => loadConfig(process.env), telemetry);
