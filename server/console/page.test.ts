import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolePage } from './page.ts';

// GIVEN the console router over a build folder; THEN it serves the built page uncached with a strict
// CSP, the hashed assets cached for good, and without a build a 503 that names the command.
describe('console page serving', () => {
  let dist: string;
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    dist = await mkdtemp(path.join(os.tmpdir(), 'console-dist-'));
    const app = express();
    app.use('/console', consolePage(dist));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/console`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dist, { recursive: true, force: true });
  });

  it('answers 503 naming the build command while there is no build', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:console');
  });

  it('serves index.html uncached with a strict CSP, and hashed assets cached immutably', async () => {
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script>');
    await writeFile(path.join(dist, 'assets/index-abc123.js'), 'console.log(1)');
    for (const address of [url, `${url}/`]) {
      const page = await fetch(address);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      expect(await page.text()).toContain('index-abc123.js');
    }
    const asset = await fetch(`${url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${url}/assets/index-old.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('reload');
  });
});
