import { bootTelemetry } from '@conveyor/telemetry';

// Telemetry first: with tracing on, pg and fastify must be imported after its module hooks are in
// place, hence the dynamic imports. Wiring only: the environment is read here and nowhere below.
const telemetry = await bootTelemetry('users', process.env);
const { runMain } = await import('@conveyor/service');
const { loadConfig } = await import('./config.ts');
const { usersService } = await import('./service.ts');
await runMain(usersService, () => loadConfig(process.env), telemetry);
