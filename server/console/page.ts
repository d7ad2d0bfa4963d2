import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/**
 * Serves the console app that Vite built into agent-console/dist (`npm run build:console`;
 * `npm start`, `npm run demo` and `npm test` build it first). index.html is read on every
 * request and never cached, so a rebuild shows on the next reload; the hashed files under
 * assets/ never change and are cached for a year. Without a build, /console answers 503
 * and names the command.
 */
export const CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../agent-console/dist');

export const BUILD_COMMAND = 'npm run build:console';

const CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "style-src 'self'",
  "script-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function consolePage(dist = CONSOLE_DIST): Router {
  const router = express.Router();
  router.get('/', async (_req, res) => {
    res.set({ 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    let html: string;
    try {
      html = await readFile(path.join(dist, 'index.html'), 'utf8');
    } catch {
      res.status(503).type('text').send(`The console is not built yet. Run \`${BUILD_COMMAND}\` (npm start and npm run demo do it for you), then reload.\n`);
      return;
    }
    res.set({ 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' }).type('html').send(html);
  });
  router.use(
    '/assets',
    express.static(path.join(dist, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (res) => res.setHeader('x-content-type-options', 'nosniff'),
    }),
  );
  // A stale page asking for an asset of an older build: say so plainly, no error page.
  router.use('/assets', (_req, res) => void res.status(404).type('text').send('No such console asset: reload the page.\n'));
  return router;
}
