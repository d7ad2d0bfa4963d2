import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * vitest globalSetup: builds the console app once for the whole run (the browser tests
 * load it from agent-console/dist through the real server), not once per test file.
 * In a child process with NODE_ENV=production: vitest sets NODE_ENV=test, which would
 * give Vite React's development build.
 */
export default function buildConsole(): void {
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', 'agent-console/vite.config.ts'], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
