import { spawn } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHotline, type TestHotline } from '../support/hotline.ts';

// CONTRACTS §2: `npm run --silent simulate -- SCENARIO.json` against a running server.
function simulate(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'simulate', '--', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('simulate (CONTRACTS §2)', () => {
  let t: TestHotline;
  let dir: string;
  beforeAll(async () => {
    t = await startTestHotline();
    dir = await mkdtemp(path.join(os.tmpdir(), 'scenarios-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('drives a whole call and prints one JSON line per event, ending with the ended event', async () => {
    const { code, stdout, stderr } = await simulate(['test/fixtures/scenarios/gjj-rent.json', '--server', t.url, '--emulator', t.hotline.emulator!.httpUrl, '--fast']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'dialing' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'twiml', verbs: ['Say', 'Say', 'Gather', 'Redirect'] }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'twiml', verbs: ['Say', 'Start', 'Enqueue'] }));
    expect(events).toContainEqual({ type: 'transcript', speaker: 'caller', final: true, text: '你好，刚才自动语音说的我没记住，租房提取公积金要带什么材料' });
    // The IVR heard the question, read the answer, and the caller pressed 0 for an operator.
    expect(events).toContainEqual(expect.objectContaining({ type: 'ivr', node: 'consult_self_service', via: 'speech', choice: '租房提取住房公积金' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'suggestions', ids: expect.arrayContaining(['gjj.withdraw_rent']) }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'transcript', speaker: 'caller', final: false }));
    expect(events.at(-1)).toMatchObject({ type: 'ended', callSid: events[0].callSid, reason: 'completed' });
  });

  it('exits 1 with the reason on standard error when the server cannot be reached', async () => {
    const { code, stderr } = await simulate(['test/fixtures/scenarios/gjj-rent.json', '--server', 'http://127.0.0.1:9', '--no-console', '--emulator', 'none', '--fast']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/simulate: cannot reach http:\/\/127\.0\.0\.1:9\/twilio\/voice/);
  });

  it('exits 1 when the server refuses the signature (a wrong auth token)', async () => {
    const { code, stderr } = await simulate(['test/fixtures/scenarios/gjj-rent.json', '--server', t.url, '--no-console', '--fast'], { TWILIO_AUTH_TOKEN: 'some-other-token' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/answered 403/);
  });

  it('exits 2 naming the field of a bad scenario', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ caller: 'nobody', ivr: ['1'] }));
    const { code, stderr } = await simulate([file, '--server', t.url]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.json: caller: expected a phone number/);
  });
});
