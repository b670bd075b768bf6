import { defineConfig } from 'vite';

/** Built into dist/, served by the gateway at /admin (gateway/src/admin/admin-page.ts). */
export default defineConfig({
  base: '/admin/',
  root: import.meta.dirname,
  // Preact's JSX runtime, no Babel preset needed: Vite's own transformer compiles the TSX.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', assetsDir: 'assets', emptyOutDir: true, sourcemap: false },
  logLevel: 'warn',
});
