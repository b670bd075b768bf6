import { runMain } from '@conveyor/service';
import { loadConfig } from './config.ts';
import { ordersService } from './service.ts';

// Wiring only: `node --import tsx services/orders/src/main.ts`.
await runMain(ordersService, () => loadConfig(process.env));
