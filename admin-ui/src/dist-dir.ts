import { fileURLToPath } from 'node:url';

/** Where `vite build` writes the page; the gateway serves it at /admin. */
export const adminUiDistDir = fileURLToPath(new URL('../dist', import.meta.url));

/** The command that builds it (scripts/bootstrap.mjs runs it before `npm start` and `npm test`). */
export const ADMIN_UI_BUILD_COMMAND = 'npm run build -w @conveyor/admin-ui';
