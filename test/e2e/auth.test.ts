import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleClient } from '../support/console-client.ts';
import { sessionCookieOf, startTestHotline, type TestHotline } from '../support/hotline.ts';

// GIVEN a server with accounts; a lockout after 3 failures for 1.5 s so the test can wait it out.
describe('sign-in, sessions and roles', () => {
  let t: TestHotline;
  beforeAll(async () => {
    t = await startTestHotline({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_MS: '1500' });
    await t.hotline.users.add({ username: 'op1', role: 'operator', displayName: '坐席一号', password: 'password-op1' });
    await t.hotline.users.add({ username: 'lead', role: 'manager', password: 'password-lead' });
  });
  afterAll(() => t.close());

  const login = (body: unknown) => fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const me = (cookie: string) => fetch(`${t.url}/api/auth/me`, { headers: { cookie } });

  it('signs in with the right password: the user, and an HttpOnly SameSite=Strict session cookie', async () => {
    const res = await login({ username: 'OP1', password: 'password-op1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { username: 'op1', displayName: '坐席一号', role: 'operator' } });
    const [set] = res.headers.getSetCookie();
    expect(set).toMatch(/^hotline_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/); // no Secure over http
    const cookie = sessionCookieOf(res);
    expect(await (await me(cookie)).json()).toEqual({ user: { username: 'op1', displayName: '坐席一号', role: 'operator' } });
    expect((await me('hotline_session=forged')).status).toBe(401);
  });

  it('answers a wrong password and an unknown username alike, and refuses a malformed body naming the field', async () => {
    const wrong = await login({ username: 'lead', password: 'not-it' });
    const unknown = await login({ username: 'nobody-here', password: 'not-it' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual({ error: 'wrong username or password', code: 'credentials' });
    expect(await unknown.json()).toEqual({ error: 'wrong username or password', code: 'credentials' });
    const bad = await login({ username: 'lead' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).problems).toEqual([{ field: 'password', problem: expect.any(String) }]);
  });

  it('locks a username out after repeated failures, saying when to retry, even for the right password', async () => {
    await t.hotline.users.add({ username: 'target', role: 'operator', password: 'target-password' });
    for (let i = 0; i < 3; i++) expect((await login({ username: 'target', password: `guess-${i}` })).status).toBe(401);
    const locked = await login({ username: 'target', password: 'target-password' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = await locked.json();
    expect(body).toMatchObject({ code: 'locked', retryAfterS: expect.any(Number), retryAt: expect.any(String) });
    expect(body.error).toMatch(/^too many failed sign-ins for this username; try again in [12] s \(after \d{4}-\d\d-\d\dT/);
    // Other accounts are not affected; after the window the right password works.
    expect((await login({ username: 'lead', password: 'password-lead' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await login({ username: 'target', password: 'target-password' })).status).toBe(200);
  });

  it('refuses a console socket without a session, and closes it when the session ends at sign-out', async () => {
    const bare = io(`${t.url}/console`, { transports: ['websocket'], reconnection: false });
    const refused = await new Promise<Error & { data?: { reason?: string } }>((resolve) => bare.once('connect_error', resolve));
    expect(refused.message).toBe('unauthorized');
    expect(refused.data?.reason).toMatch(/^not signed in: sign in at \/console/);
    bare.close();

    const { cookie } = await t.signIn('op1');
    const client = await consoleClient(t.url, { cookie });
    const closed = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    const out = await fetch(`${t.url}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^hotline_session=; .*Max-Age=0/);
    expect(await closed).toBe('io server disconnect');
    expect((await me(cookie)).status).toBe(401);

    const stale = io(`${t.url}/console`, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
    const again = await new Promise<Error & { data?: { reason?: string } }>((resolve) => stale.once('connect_error', resolve));
    expect(again.data?.reason).toMatch(/^the session has ended/);
    stale.close();
  });

  it('ends the sessions of a disabled account, and refuses its sign-in after the password', async () => {
    await t.hotline.users.add({ username: 'leaver', role: 'operator', password: 'password-leaver' });
    const { cookie } = await t.signIn('leaver');
    await t.hotline.users.setDisabled('leaver', true);
    expect((await me(cookie)).status).toBe(401);
    const res = await login({ username: 'leaver', password: 'password-leaver' });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'this account is disabled; ask an administrator', code: 'disabled' });
    expect((await login({ username: 'leaver', password: 'wrong-password' })).status).toBe(401); // no hint without the password
  });

  it('lets operators read the knowledge base and managers change it; the Bearer service token still works for tools', async () => {
    const operator = (await t.signIn('op1')).cookie;
    const manager = (await t.signIn('lead')).cookie;
    const kb = (method: string, at: string, headers: Record<string, string>, body?: unknown) =>
      fetch(`${t.url}/api/knowledge${at}`, { method, headers: { ...headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    expect((await kb('GET', '/scenarios/gjj.loan', { cookie: operator })).status).toBe(200);
    expect((await kb('POST', '/search', { cookie: operator }, { text: '公积金贷款' })).status).toBe(200);
    const refused = await kb('DELETE', '/scenarios/gjj.loan', { cookie: operator });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'changing the knowledge base needs the role manager or admin; op1 is operator' });
    expect(t.hotline.knowledge.scenario('gjj.loan')?.status).toBe('active');
    // A manager passes the gate (an unknown id: nothing is written).
    expect((await kb('DELETE', '/scenarios/pets.no_such', { cookie: manager })).status).toBe(404);
    expect((await kb('DELETE', '/scenarios/pets.no_such', { authorization: `Bearer ${t.config.consoleToken}` })).status).toBe(404);
    expect((await kb('GET', '/scenarios', {})).status).toBe(401);
    const ended = await kb('GET', '/scenarios', { cookie: 'hotline_session=expired-or-forged' });
    expect([ended.status, await ended.json()]).toEqual([401, { error: 'the session has ended: sign in again' }]);
  });

  it('keeps a session across a restart', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sessions-restart-'));
    try {
      const first = await startTestHotline({ DATA_DIR: dataDir });
      const { cookie } = await first.signIn('lead', 'manager');
      await first.close();
      const second = await startTestHotline({ DATA_DIR: dataDir });
      const res = await fetch(`${second.url}/api/auth/me`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect((await res.json()).user.username).toBe('lead');
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
