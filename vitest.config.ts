import { defineConfig } from 'vitest/config';

/**
 * One run for the whole monorepo, so the infra is started once (integration global setup)
 * however many workspaces have integration tests. Tiers by file suffix (see conventions).
 */
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.unit.test.ts'],
          exclude: ['**/node_modules/**', '.infra/**'],
        },
      },
      {
        test: {
          name: 'int',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '.infra/**'],
          globalSetup: ['infra/local/src/vitest-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.e2e.test.ts'],
          exclude: ['**/node_modules/**', '.infra/**'],
          globalSetup: ['infra/local/src/vitest-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
