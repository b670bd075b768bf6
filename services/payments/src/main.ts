import { runMain } from '@conveyor/service';
import { loadConfig } from './config.ts';
import { paymentsService } from './service.ts';

// Wiring only: the environment is read here and nowhere below.
await runMain(paymentsService, () => loadConfig(process.env));
