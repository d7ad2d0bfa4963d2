import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import express, { type Router } from 'express';

/**
 * Serves the console page from agent-console/: the HTML and CSS as they are, and the
 * TypeScript bundled by esbuild once at boot (tens of milliseconds), held in memory.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../agent-console');

export async function consolePage(root = ROOT): Promise<Router> {
  const bundle = await build({
    entryPoints: [path.join(root, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    minify: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const html = await readFile(path.join(root, 'index.html'), 'utf8');
  const css = await readFile(path.join(root, 'style.css'), 'utf8');

  const router = express.Router();
  const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
  router.get('/', (_req, res) => {
    res.set({ ...headers, 'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'" });
    res.type('html').send(html);
  });
  router.get('/app.js', (_req, res) => void res.set(headers).type('application/javascript').send(script));
  router.get('/style.css', (_req, res) => void res.set(headers).type('text/css').send(css));
  return router;
}
