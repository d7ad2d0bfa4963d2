import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { SESSION_COOKIE } from '../../server/auth/cookie.ts';
import type { Role } from '../../server/auth/roles.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { silentLogger } from '../../server/log.ts';
import { startHotline, type Hotline, type StartOptions } from '../../server/main.ts';
import { SpeechSynthesizer } from '../../server/simulator/audio.ts';
import { SimulatedCall, type SimEvent } from '../../server/simulator/call.ts';
import type { Pace } from '../../server/simulator/media-streamer.ts';
import type { Scenario } from '../../server/simulator/scenario.ts';

/** A real server on port 0 with its own data directory and the embedded emulator on port 0. */
export interface TestHotline {
  readonly hotline: Hotline;
  readonly config: Config;
  readonly dataDir: string;
  readonly url: string;
  /** A webhook request signed exactly as Twilio signs it. */
  post(pathAndQuery: string, params: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** Creates the account if needed (password `password-<username>`) and signs in: the session cookie to send. */
  signIn(username: string, role?: Role): Promise<{ cookie: string }>;
  /** A simulated call against this server and its emulator; prompts are not waited for. */
  call(scenario: Scenario, options?: { pace?: Pace; onEvent?: (event: SimEvent) => void }): SimulatedCall;
  close(): Promise<void>;
}

export const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const synth = new SpeechSynthesizer();

export async function startTestHotline(env: Record<string, string> = {}, options: Partial<StartOptions> = {}): Promise<TestHotline> {
  const dataDir = env['DATA_DIR'] ?? (await mkdtemp(path.join(os.tmpdir(), 'hotline-test-')));
  const config = loadConfig({
    PORT: '0',
    EMULATOR_URL: 'http://127.0.0.1:0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    STORE_FLUSH_MS: '50',
    ...env,
  });
  const hotline = await startHotline(config, { logger: silentLogger, ...options });
  const url = hotline.publicUrl;
  return {
    hotline,
    config,
    dataDir,
    url,
    post(pathAndQuery, params, headers) {
      const signature = twilio.getExpectedTwilioSignature(config.twilio.authToken, url + pathAndQuery, params);
      return fetch(url + pathAndQuery, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, ...headers },
        body: new URLSearchParams(params).toString(),
      });
    },
    async signIn(username, role = 'supervisor') {
      const password = `password-${username}`;
      if (!hotline.users.find(username)) await hotline.users.add({ username, role, password });
      const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (res.status !== 200) throw new Error(`sign-in as ${username} answered ${res.status}: ${await res.text()}`);
      return { cookie: sessionCookieOf(res) };
    },
    call(scenario, options = {}) {
      return new SimulatedCall(scenario, {
        server: url,
        authToken: config.twilio.authToken,
        accountSid: ACCOUNT_SID,
        emulator: { url: hotline.emulator!.httpUrl, key: config.emulator.key },
        console: null,
        synth,
        pace: options.pace ?? 'realtime',
        sayMsPerCharacter: 0,
        onEvent: options.onEvent ?? (() => undefined),
      });
    },
    async close() {
      await hotline.close();
      if (!env['DATA_DIR']) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `name=value` of the session cookie a sign-in response sets. */
export function sessionCookieOf(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!set) throw new Error('no session cookie in the response');
  return set.split(';')[0]!;
}

/** The parameters of Twilio's incoming-call webhook. */
export function callParams(callSid: string, extra: Record<string, string> = {}): Record<string, string> {
  return { CallSid: callSid, AccountSid: ACCOUNT_SID, From: '+8613800001234', To: '+8612345', CallStatus: 'ringing', Direction: 'inbound', ...extra };
}

export function until(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 20);
    };
    check();
  });
}
