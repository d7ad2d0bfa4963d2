import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console's build: `npm run build:console` writes agent-console/dist, which
 * server/console/page.ts serves at /console (index.html uncached, hashed assets cached
 * for a year). The event types come from server/console/contract.ts, as types only.
 */
const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The server sends a strict CSP (script-src 'self'): keep everything in files, nothing inline.
    assetsInlineLimit: 0,
  },
});
