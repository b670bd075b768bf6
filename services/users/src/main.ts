import { runMain } from '@conveyor/service';
import { loadConfig } from './config.ts';
import { usersService } from './service.ts';

// Wiring only: `node --import tsx services/users/src/main.ts`.
await runMain(usersService, () => loadConfig(process.env));
