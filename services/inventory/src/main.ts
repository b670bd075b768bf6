import { bootTelemetry } from '@conveyor/telemetry';

// Telemetry first: with tracing on, pg and fastify must be imported after its module hooks are in
// place, hence the dynamic imports. Wiring only: the environment is read here and nowhere below.
const telemetry = await bootTelemetry('inventory', process.env);
const { runMain } = await import('@conveyor/service');
const { loadConfig } = await import('./config.ts');
const { inventoryService } = await import('./service.ts');
await runMain(inventoryService, () => loadConfig(process.env), telemetry);
