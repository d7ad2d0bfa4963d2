import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleIdentity } from '../../server/console/contract.ts';
import { FORBIDDEN_ORIGIN } from '../../server/console/origin.ts';
import { startTestHotline, type TestHotline } from '../support/hotline.ts';

type Outcome = { connected: ConsoleIdentity } | { refused: string; reason: string | undefined };

// GIVEN a server with the Vite dev server's origin in CONSOLE_ORIGINS and an operator's valid
// session cookie; WHEN real socket.io clients open the console socket sending various Origin
// headers (as a browser page on that origin would); THEN a page from another site is refused
// with connect_error `forbidden origin` despite the cookie, and the server's own page, the listed
// origin and a tool sending no Origin get in.
describe('the console socket’s Origin check', () => {
  let t: TestHotline;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestHotline({ CONSOLE_ORIGINS: 'http://localhost:5173' });
    ({ cookie } = await t.signIn('origin-op', 'operator'));
  });
  afterAll(async () => {
    await t?.close();
  });

  function open(headers: Record<string, string>, transport: 'websocket' | 'polling' = 'websocket', auth?: { token: string }): Promise<Outcome> {
    const socket = io(`${t.url}/console`, { transports: [transport], reconnection: false, extraHeaders: headers, ...(auth ? { auth } : {}) });
    return new Promise<Outcome>((resolve) => {
      socket.once('session:identity', (me) => resolve({ connected: me }));
      socket.once('connect_error', (error: Error & { data?: { reason?: string } }) => resolve({ refused: error.message, reason: error.data?.reason }));
    }).finally(() => socket.close());
  }

  it('refuses a page from another site, over WebSocket and long-polling, with a clear reason', async () => {
    const reason = 'pages from https://evil.example may not open the console: open it at /console on this server, or add that origin to CONSOLE_ORIGINS';
    expect(await open({ cookie, origin: 'https://evil.example' })).toEqual({ refused: FORBIDDEN_ORIGIN, reason });
    expect(await open({ cookie, origin: 'https://evil.example' }, 'polling')).toEqual({ refused: FORBIDDEN_ORIGIN, reason });
    // Another port of the same host is another origin; so is a sandboxed frame's `null`.
    const otherPort = new URL(t.url);
    otherPort.port = String(Number(otherPort.port) + 1);
    expect(await open({ cookie, origin: otherPort.origin })).toMatchObject({ refused: FORBIDDEN_ORIGIN });
    expect(await open({ cookie, origin: 'null' })).toMatchObject({ refused: FORBIDDEN_ORIGIN });
    // The service token does not open the door to a foreign page either.
    expect(await open({ origin: 'https://evil.example' }, 'websocket', { token: t.config.consoleToken })).toMatchObject({ refused: FORBIDDEN_ORIGIN });
  });

  it('lets in the server’s own page, the listed dev-server origin, and a tool with no Origin', async () => {
    expect(await open({ cookie, origin: new URL(t.url).origin })).toEqual({ connected: expect.objectContaining({ username: 'origin-op', role: 'operator' }) });
    expect(await open({ cookie, origin: new URL(t.url).origin }, 'polling')).toMatchObject({ connected: { username: 'origin-op' } });
    expect(await open({ cookie, origin: 'http://localhost:5173' })).toMatchObject({ connected: { username: 'origin-op' } });
    expect(await open({}, 'websocket', { token: t.config.consoleToken })).toMatchObject({ connected: { username: 'service', service: true } });
    // Past the Origin check the session still decides.
    expect(await open({ origin: new URL(t.url).origin })).toMatchObject({ refused: 'unauthorized' });
  });
});
