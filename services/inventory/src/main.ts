import { runMain } from '@conveyor/service';
import { loadConfig } from './config.ts';
import { inventoryService } from './service.ts';

// Wiring only: the environment is read here and nowhere below.
await runMain(inventoryService, () => loadConfig(process.env));
