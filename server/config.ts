import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { EmergencyService } from './calls/call.ts';

/**
 * The server's settings, read once from the environment at boot.
 *
 * Every default here is the offline mode: no cloud accounts, the local speech-service
 * emulator, lowdb files under ./data. Production (`NODE_ENV=production`) refuses the
 * offline defaults for secrets and refuses the emulator, naming the variable.
 *
 * @example
 *   const config = loadConfig(process.env); // throws ConfigError('PORT: …') when wrong
 */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /** The base URL Twilio reaches us at; signatures are checked against it. Null: derive from host:port once listening. */
  readonly publicUrl: string | null;
  readonly twilio: { readonly authToken: string; readonly accountSid: string | null; readonly apiBaseUrl: string | null };
  readonly speech: SpeechConfig;
  /** Worker threads for speech recognisers; 0 runs them on the main thread. */
  readonly speechWorkers: number;
  readonly emulator: EmulatorConfig;
  readonly dataDir: string;
  readonly flowsDir: string;
  readonly knowledgeDir: string;
  readonly rulesDir: string;
  readonly callerHashSecret: string;
  /** The service token for tools (simulate, bench:media, the demo dialer, scripts on the knowledge API). */
  readonly consoleToken: string;
  readonly auth: AuthConfig;
  readonly logLevel: string;
  readonly storeFlushMs: number;
  readonly media: { readonly maxFrameBytes: number; readonly reconnectBufferMs: number };
  readonly demoIntervalMs: number;
  /** How long the server keeps a dropped console socket's rooms and missed events (socket.io connection-state recovery). */
  readonly consoleRecoveryMs: number;
  /**
   * What Twilio dials when a call is transferred to 110 / 119 / 120: a phone number, or a
   * SIP address (sip:…) of that service's centre. The defaults dial the short numbers.
   */
  readonly emergencyDial: Readonly<Record<EmergencyService, string>>;
  /** Origins besides the server's own whose pages may open a console socket (the Vite dev server). */
  readonly consoleOrigins: readonly string[];
}

export interface AuthConfig {
  /** A session ends this long after sign-in (one shift). */
  readonly sessionTtlMs: number;
  /** …or after this long without use (an open console keeps it in use). */
  readonly sessionIdleMs: number;
  /** Failed sign-ins for one username before it is locked out for a while. */
  readonly maxFailuresPerUser: number;
  /** Failed sign-ins from one address (any usernames) before it is locked out. */
  readonly maxFailuresPerAddress: number;
  /** The first lockout; each further failure doubles it, up to `maxLockoutMs`. */
  readonly lockoutMs: number;
  readonly maxLockoutMs: number;
  /** Whether the session cookie is marked Secure (PUBLIC_URL is https). */
  readonly secureCookie: boolean;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client (for per-address lockout). */
  readonly trustProxy: boolean | number | string;
}

export type SpeechConfig =
  | { readonly provider: 'emulator'; readonly language: string }
  | {
      readonly provider: 'azure';
      readonly language: string;
      readonly key: string;
      readonly region: string | null;
      readonly endpoint: string | null;
    };

export interface EmulatorConfig {
  /** HTTP base URL of the emulator (its WebSocket path hangs off the same host). */
  readonly url: string;
  readonly key: string;
  /** Start the emulator inside this process (the offline default); false when it runs on its own. */
  readonly embedded: boolean;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Offline defaults for secrets: fine on one machine, refused in production. */
export const OFFLINE_SECRETS = {
  TWILIO_AUTH_TOKEN: 'offline-twilio-auth-token',
  CALLER_HASH_SECRET: 'offline-caller-hash-secret-not-for-production',
  CONSOLE_TOKEN: 'hotline-desk-dev',
  EMULATOR_KEY: 'offline-emulator-key',
} as const;

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();
const httpUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
const wsOrHttpUrl = z.url({ protocol: /^(wss?|https?)$/ });
// A number Twilio can <Dial> (short code or E.164), or a SIP URI (<Sip>).
const dialTarget = z.string().regex(/^(\+?[0-9]{3,15}|sips?:[^\s@<>"]+@[^\s<>"]+)$/, 'expected a phone number (110, +861012345678) or a SIP address (sip:110@gw.example.gov.cn)');
const originList = z
  .string()
  .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/ }).refine((o) => new URL(o).origin === o, 'expected an origin such as http://localhost:5173 (scheme, host and port, no path)')));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: httpUrl.optional(),
  TWILIO_AUTH_TOKEN: z.string().min(8).default(OFFLINE_SECRETS.TWILIO_AUTH_TOKEN),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expected AC followed by 32 hex digits').optional(),
  TWILIO_API_BASE_URL: httpUrl.optional(),
  SPEECH_PROVIDER: z.enum(['emulator', 'azure']).optional(),
  SPEECH_KEY: z.string().min(1).optional(),
  SPEECH_REGION: z.string().regex(/^[a-z0-9]+$/, 'expected an Azure region such as chinaeast2 or eastasia').optional(),
  SPEECH_ENDPOINT: wsOrHttpUrl.optional(),
  SPEECH_LANGUAGE: z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'expected a locale such as zh-CN').default('zh-CN'),
  SPEECH_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  EMULATOR_URL: httpUrl.default('http://127.0.0.1:5105'),
  EMULATOR_KEY: z.string().min(8).default(OFFLINE_SECRETS.EMULATOR_KEY),
  EMULATOR_EMBEDDED: bool.default(true),
  DATA_DIR: z.string().min(1).default('./data'),
  FLOWS_DIR: z.string().min(1).default('./flows'),
  KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  RULES_DIR: z.string().min(1).default('./rules'),
  CALLER_HASH_SECRET: z.string().min(16, 'expected at least 16 characters').default(OFFLINE_SECRETS.CALLER_HASH_SECRET),
  CONSOLE_TOKEN: z.string().min(8, 'expected at least 8 characters').default(OFFLINE_SECRETS.CONSOLE_TOKEN),
  SESSION_TTL_MS: positiveMs.default(12 * 3_600_000),
  SESSION_IDLE_MS: positiveMs.default(30 * 60_000),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(30),
  LOGIN_LOCKOUT_MS: positiveMs.default(60_000),
  LOGIN_LOCKOUT_MAX_MS: positiveMs.default(15 * 60_000),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d+|[\w.:/, -]+)$/, 'expected true, false, a hop count, or addresses/subnets such as loopback, 10.0.0.0/8')
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v))
    .default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STORE_FLUSH_MS: positiveMs.default(1000),
  MEDIA_MAX_FRAME_BYTES: z.coerce.number().int().min(1024).default(64 * 1024),
  RECONNECT_BUFFER_MS: positiveMs.default(10_000),
  DEMO_INTERVAL_MS: positiveMs.default(8000),
  CONSOLE_RECOVERY_MS: positiveMs.default(2 * 60_000),
  CONSOLE_ORIGINS: originList.default([]),
  EMERGENCY_DIAL_110: dialTarget.default('110'),
  EMERGENCY_DIAL_119: dialTarget.default('119'),
  EMERGENCY_DIAL_120: dialTarget.default('120'),
});

/** Every variable the server reads; .env.example documents each one. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

/** Reads and checks the environment; throws {@link ConfigError} naming the first wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  // An empty value in .env means "not set", as most dotenv users expect.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  const provider = e.SPEECH_PROVIDER ?? (e.SPEECH_KEY ? 'azure' : 'emulator');
  let speech: SpeechConfig;
  if (provider === 'azure') {
    if (!e.SPEECH_KEY) throw new ConfigError('SPEECH_KEY', 'required when SPEECH_PROVIDER=azure');
    if (!e.SPEECH_REGION && !e.SPEECH_ENDPOINT) {
      throw new ConfigError('SPEECH_REGION', 'set SPEECH_REGION or SPEECH_ENDPOINT for Azure speech');
    }
    speech = {
      provider,
      language: e.SPEECH_LANGUAGE,
      key: e.SPEECH_KEY,
      region: e.SPEECH_REGION ?? null,
      endpoint: e.SPEECH_ENDPOINT ?? null,
    };
  } else {
    speech = { provider, language: e.SPEECH_LANGUAGE };
  }

  if (e.NODE_ENV === 'production') {
    if (provider === 'emulator') {
      throw new ConfigError('SPEECH_PROVIDER', 'the speech emulator is a test device and is refused in production; configure Azure');
    }
    for (const name of ['TWILIO_AUTH_TOKEN', 'CALLER_HASH_SECRET', 'CONSOLE_TOKEN'] as const) {
      if (e[name] === OFFLINE_SECRETS[name]) throw new ConfigError(name, 'the offline default is refused in production');
    }
    if (e.CALLER_HASH_SECRET.length < 32) throw new ConfigError('CALLER_HASH_SECRET', 'expected at least 32 characters in production');
    if (!e.PUBLIC_URL) throw new ConfigError('PUBLIC_URL', 'required in production: the URL Twilio uses to reach this server');
  }

  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? null,
    twilio: Object.freeze({ authToken: e.TWILIO_AUTH_TOKEN, accountSid: e.TWILIO_ACCOUNT_SID ?? null, apiBaseUrl: e.TWILIO_API_BASE_URL ?? null }),
    speech: Object.freeze(speech),
    // The cores left once the main thread has one, at most four.
    speechWorkers: e.SPEECH_WORKERS ?? Math.max(0, Math.min(4, availableParallelism() - 1)),
    emulator: Object.freeze({ url: e.EMULATOR_URL, key: e.EMULATOR_KEY, embedded: e.EMULATOR_EMBEDDED && provider === 'emulator' }),
    dataDir: path.resolve(cwd, e.DATA_DIR),
    flowsDir: path.resolve(cwd, e.FLOWS_DIR),
    knowledgeDir: path.resolve(cwd, e.KNOWLEDGE_DIR),
    rulesDir: path.resolve(cwd, e.RULES_DIR),
    callerHashSecret: e.CALLER_HASH_SECRET,
    consoleToken: e.CONSOLE_TOKEN,
    auth: Object.freeze({
      sessionTtlMs: e.SESSION_TTL_MS,
      sessionIdleMs: e.SESSION_IDLE_MS,
      maxFailuresPerUser: e.LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
      lockoutMs: e.LOGIN_LOCKOUT_MS,
      maxLockoutMs: Math.max(e.LOGIN_LOCKOUT_MS, e.LOGIN_LOCKOUT_MAX_MS),
      secureCookie: e.PUBLIC_URL?.startsWith('https://') ?? false,
      trustProxy: e.TRUST_PROXY,
    }),
    logLevel: e.LOG_LEVEL,
    storeFlushMs: e.STORE_FLUSH_MS,
    media: Object.freeze({ maxFrameBytes: e.MEDIA_MAX_FRAME_BYTES, reconnectBufferMs: e.RECONNECT_BUFFER_MS }),
    demoIntervalMs: e.DEMO_INTERVAL_MS,
    consoleRecoveryMs: e.CONSOLE_RECOVERY_MS,
    emergencyDial: Object.freeze({ '110': e.EMERGENCY_DIAL_110, '119': e.EMERGENCY_DIAL_119, '120': e.EMERGENCY_DIAL_120 }),
    consoleOrigins: Object.freeze(e.CONSOLE_ORIGINS),
  });
}
