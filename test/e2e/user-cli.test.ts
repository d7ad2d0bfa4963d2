import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHotline, type TestHotline } from '../support/hotline.ts';

// `npm run user -- …` against a data directory a running server uses: what the CLI writes counts at once.
describe('npm run user', () => {
  let dataDir: string;
  let t: TestHotline;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'user-cli-'));
    t = await startTestHotline({ DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function user(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'user', '--', ...args], { env: { ...process.env, DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c));
      child.stderr.on('data', (c: Buffer) => (stderr += c));
      child.stdin.end(stdin);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }
  const signIn = (username: string, password: string) =>
    fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

  it('adds a user with the password from standard input, who can then sign in to the running server', async () => {
    const added = await user(['add', 'chief', '--role', 'admin', '--name', '系统管理员'], 'first-admin-pw\n');
    expect(added).toMatchObject({ code: 0, stdout: 'added chief (admin, 系统管理员)\n', stderr: '' });
    expect((await signIn('chief', 'first-admin-pw')).status).toBe(200);
    const list = await user(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^chief\tadmin\tactive\t系统管理员\t/);
  });

  it('exits 2 naming the bad argument', async () => {
    for (const [args, message] of [
      [[], /a command is required/],
      [['fly', 'x'], /unknown command fly/],
      [['add', 'op9'], /add needs --role/],
      [['add', 'op9', '--role', 'boss'], /--role boss: expected one of operator, supervisor, manager, admin/],
      [['add', '坐席', '--role', 'operator'], /username 坐席: expected 2–32 letters/],
      [['disable'], /disable needs a USERNAME/],
    ] as const) {
      const result = await user([...args], 'long-enough-pw\n');
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('usage: npm run user -- add USERNAME --role');
    }
  });

  it('exits 1 for a problem: an existing or unknown user, a short or missing password', async () => {
    expect(await user(['add', 'chief', '--role', 'operator'], 'another-password\n')).toMatchObject({ code: 1, stderr: expect.stringContaining('a user named chief already exists') });
    expect(await user(['add', 'shorty', '--role', 'operator'], 'short\n')).toMatchObject({ code: 1, stderr: expect.stringContaining('too short: at least 8 characters') });
    expect(await user(['add', 'silent', '--role', 'operator'], '')).toMatchObject({ code: 1, stderr: expect.stringContaining('no password on standard input') });
    expect(await user(['passwd', 'nobody'], 'whatever-pw\n')).toMatchObject({ code: 1, stderr: expect.stringContaining('no user named nobody') });
    expect(t.hotline.users.find('shorty')).toBeUndefined();
  });

  it('changes a password (old sessions end) and disables a user (sessions end, sign-in refused)', async () => {
    await user(['add', 'op7', '--role', 'operator'], 'op7-password-1\n');
    const session = (await signIn('op7', 'op7-password-1')).headers.getSetCookie()[0]!.split(';')[0]!;
    const me = () => fetch(`${t.url}/api/auth/me`, { headers: { cookie: session } }).then((r) => r.status);
    expect(await me()).toBe(200);
    expect(await user(['passwd', 'op7'], 'op7-password-2\n')).toMatchObject({ code: 0 });
    expect(await me()).toBe(401);
    expect((await signIn('op7', 'op7-password-1')).status).toBe(401);
    expect((await signIn('op7', 'op7-password-2')).status).toBe(200);
    expect(await user(['disable', 'op7'])).toMatchObject({ code: 0, stdout: expect.stringContaining('op7 disabled') });
    expect((await signIn('op7', 'op7-password-2')).status).toBe(403);
  });
});
