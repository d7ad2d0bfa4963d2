import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { MemoryCallerHistory } from './assist/caller-history.ts';
import { AssistEngine } from './assist/engine.ts';
import { LiveFlags } from './assist/live-flags.ts';
import { LiveSuggester } from './assist/live-suggestions.ts';
import { followWrapUpDrafts } from './assist/live-wrap-up.ts';
import { createRulesApi } from './assist/rules/api.ts';
import { RuleEditor } from './assist/rules/editor.ts';
import { RuleHistory } from './assist/rules/history.ts';
import { RuleLibrary } from './assist/rules/library.ts';
import { createAuthApi } from './auth/api.ts';
import { Authenticator } from './auth/authenticator.ts';
import { SessionStore } from './auth/sessions.ts';
import { LoginThrottle } from './auth/throttle.ts';
import { UserStore } from './auth/users.ts';
import { Dispatcher } from './calls/dispatcher.ts';
import { CallRegistry } from './calls/registry.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { attachConsole, type ConsoleServer } from './console/namespace.ts';
import { consolePage } from './console/page.ts';
import { IvrEngine } from './ivr/engine.ts';
import { FlowLibrary } from './ivr/library.ts';
import { createKnowledgeApi } from './knowledge/api.ts';
import { KnowledgeHistory } from './knowledge/history.ts';
import { KnowledgeLibrary } from './knowledge/library.ts';
import { seedDemoAccounts, type DemoAccount } from './auth/demo-accounts.ts';
import { createLogger } from './log.ts';
import { MediaStreamServer } from './media/stream-server.ts';
import { Metrics } from './metrics.ts';
import { AzureRecognizerFactory, type AzureSpeechOptions } from './speech/azure.ts';
import { SpeechWorkerPool } from './speech/worker/pool.ts';
import { RECOGNITION_PATH, startSpeechEmulator, type SpeechEmulator } from './speech/emulator/server.ts';
import type { RecognizerFactory } from './speech/recognizer.ts';
import { LOAD_WINDOW_MS, LowdbCallStore } from './store/lowdb-store.ts';
import { MEDIA_STREAM_PATH, mediaStreamUrl, TWILIO_BASE_PATH, twilioUrls } from './telephony/urls.ts';
import { CallControl } from './telephony/call-control.ts';
import { emergencyTransferTwiml } from './telephony/emergency-transfer.ts';
import { takeOverTwiml } from './telephony/take-over.ts';
import { createTwilioRouter } from './telephony/webhooks.ts';

/**
 * The one place that wires the parts together. Everything else gets what it needs
 * through its constructor.
 *
 * @example
 *   const hotline = await startHotline(loadConfig(process.env), { logger });
 *   console.log(hotline.consoleUrl);
 *   await hotline.close();
 */
export interface Hotline {
  /** The base URL Twilio must use (PUBLIC_URL, or this machine's address). */
  readonly publicUrl: string;
  readonly consoleUrl: string;
  readonly registry: CallRegistry;
  readonly dispatcher: Dispatcher;
  /** Console accounts (DATA_DIR/users.json). */
  readonly users: UserStore;
  readonly flows: FlowLibrary;
  readonly knowledge: KnowledgeLibrary;
  readonly metrics: Metrics;
  /** The embedded speech-service emulator, in offline mode only. */
  readonly emulator: SpeechEmulator | null;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger: Logger;
  /** Overrides the speech recognisers (tests of the IVR and console in isolation). */
  readonly recognizers?: RecognizerFactory;
}

const VERSION = '0.1.0';
const DRAIN_MS = 30_000;
/** How far back repeat-caller history reaches at boot (the longest rule window is a week; same-issue a month). */
const HISTORY_WINDOW_MS = 31 * 86_400_000;
/** How often sessions of accounts disabled (or re-passworded) from the command line are ended. */
const ACCOUNT_SWEEP_MS = 15_000;

export async function startHotline(config: Config, options: StartOptions): Promise<Hotline> {
  const log = options.logger;
  const metrics = new Metrics();
  const store = new LowdbCallStore(config.dataDir, log.child({ part: 'store' }), config.storeFlushMs);
  const registry = new CallRegistry({ store, callerHashSecret: config.callerHashSecret, logger: log.child({ part: 'calls' }) });
  const restored = await registry.restore(Date.now() - LOAD_WINDOW_MS);
  if (restored) log.info({ calls: restored }, 'restored calls that were live at the last shutdown');
  registry.on('started', () => metrics.calls.set(registry.size));
  registry.on('ended', (call) => {
    metrics.calls.set(registry.size);
    // Counted once a call is over, when its outcome can no longer change.
    if (call.selfService) metrics.selfService.inc({ outcome: call.selfService.outcome });
    for (const use of call.kbUsed ?? []) metrics.kbUsed.inc({ rank: String(use.rank ?? 'other') });
  });

  const dispatcher = new Dispatcher({ registry, logger: log.child({ part: 'dispatcher' }) });

  const users = new UserStore(path.join(config.dataDir, 'users.json'));
  await users.open();
  const sessions = new SessionStore(path.join(config.dataDir, 'sessions.json'), { ttlMs: config.auth.sessionTtlMs, idleMs: config.auth.sessionIdleMs, logger: log.child({ part: 'sessions' }) });
  await sessions.open();
  const throttle = new LoginThrottle({
    perUser: { maxFailures: config.auth.maxFailuresPerUser },
    perAddress: { maxFailures: config.auth.maxFailuresPerAddress },
    lockoutMs: config.auth.lockoutMs,
    maxLockoutMs: config.auth.maxLockoutMs,
  });
  const auth = new Authenticator({ users, sessions, throttle, serviceToken: config.consoleToken, logger: log.child({ part: 'auth' }) });
  const accountSweep = setInterval(() => void auth.sweep().catch((error: unknown) => log.error({ err: error }, 'account sweep failed')), ACCOUNT_SWEEP_MS);
  accountSweep.unref();

  const flows = new FlowLibrary(config.flowsDir, log.child({ part: 'ivr' }));
  await flows.load();
  flows.watch();

  const knowledgeHistory = new KnowledgeHistory(path.join(config.dataDir, 'knowledge-history.json'), log.child({ part: 'knowledge' }));
  await knowledgeHistory.open();
  const knowledge = new KnowledgeLibrary(config.knowledgeDir, knowledgeHistory, log.child({ part: 'knowledge' }));
  await knowledge.load();
  knowledge.watch();

  const departmentIds = () => new Set(knowledge.current.kb.departments.keys());
  const rules = new RuleLibrary(config.rulesDir, departmentIds, log.child({ part: 'rules' }));
  await rules.load();
  rules.watch();
  const ruleHistory = new RuleHistory(path.join(config.dataDir, 'rules-history.json'), log.child({ part: 'rules' }));
  await ruleHistory.open();
  const ruleEditor = new RuleEditor({ library: rules, history: ruleHistory, departments: departmentIds, logger: log.child({ part: 'rules' }) });
  // Repeat-caller history: the stored calls of the last month, by hashed number, then every call as it ends.
  const callers = new MemoryCallerHistory();
  for (const past of await store.load(Date.now() - HISTORY_WINDOW_MS)) {
    if (past.state === 'ended') callers.record({ callerHash: past.callerHash, atMs: Date.parse(past.startedAt), scenarioId: past.topic ?? past.selfService?.scenarioId ?? null, outcome: past.endReason ?? null });
  }
  const callControl = new CallControl({ authToken: config.twilio.authToken, apiBaseUrl: config.twilio.apiBaseUrl, logger: log.child({ part: 'call-control' }) });
  const assist = new AssistEngine(() => knowledge.index, () => rules.current, callers);
  const suggester = new LiveSuggester(registry, (text, call) => assist.analyze(text, { callerHash: call.callerHash, atMs: Date.parse(call.startedAt) }), log.child({ part: 'assist' }));
  suggester.on('update', (update) => metrics.suggestionUpdates.inc({ based_on: update.basedOn }));
  followWrapUpDrafts(registry, suggester);
  const flags = new LiveFlags(registry, suggester, assist, () => rules.current, log.child({ part: 'flags' }));
  flags.on('alert', (alert) => log.warn({ callSid: alert.callSid, flag: alert.flag.key, reason: alert.reason }, 'supervisor alert'));

  let emulator: SpeechEmulator | null = null;
  if (config.speech.provider === 'emulator' && config.emulator.embedded) {
    const at = new URL(config.emulator.url);
    emulator = await startSpeechEmulator({ key: config.emulator.key, host: at.hostname, port: Number(at.port), logger: log.child({ part: 'emulator' }) });
  }
  const recognizers = options.recognizers ?? speechFactory(config, emulator?.httpUrl ?? config.emulator.url, log);

  // PUBLIC_URL when configured; otherwise this machine's address, known once listening.
  let publicUrl = config.publicUrl ?? '';
  const publicUrlOf = () => publicUrl;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.auth.trustProxy);
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, calls: registry.size, streams: media.openStreams });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const engine = new IvrEngine(flows, registry, twilioUrls(publicUrlOf), log.child({ part: 'ivr' }), {
    search: (text) => knowledge.index.search(text),
    hints: () => knowledge.index.hints(),
  });
  app.use(TWILIO_BASE_PATH, createTwilioRouter({
    authToken: config.twilio.authToken,
    accountSid: config.twilio.accountSid,
    publicUrl: publicUrlOf,
    registry,
    engine,
    metrics,
    logger: log.child({ part: 'webhooks' }),
  }));
  app.use('/api/auth', createAuthApi({ auth, secureCookie: config.auth.secureCookie, sessionTtlMs: config.auth.sessionTtlMs, logger: log.child({ part: 'auth-api' }) }));
  app.use('/api/knowledge', createKnowledgeApi({ library: knowledge, history: knowledgeHistory, auth, logger: log.child({ part: 'knowledge-api' }) }));
  app.use('/api/rules', createRulesApi({ editor: ruleEditor, version: () => rules.loadedVersion, analyze: (text) => assist.analyze(text, { callerHash: null, atMs: Date.now() }), auth, logger: log.child({ part: 'rules-api' }) }));
  app.use('/console', consolePage());
  app.get('/', (_req, res) => res.redirect('/console'));

  const server = http.createServer(app);
  const io: ConsoleServer = new Server(server, {
    serveClient: false,
    destroyUpgrade: false,
    cors: { origin: false },
    // A console whose socket dropped (Wi-Fi, a proxy restart) gets its rooms back and the
    // events it missed, if it is back within CONSOLE_RECOVERY_MS (2 min). The sign-in check runs again on
    // every reconnect (skipMiddlewares: false): a session that ended meanwhile stays out.
    // Partials are volatile and never replayed; the page fetches the rest with call:get.
    connectionStateRecovery: { maxDisconnectionDuration: config.consoleRecoveryMs, skipMiddlewares: false },
  });
  attachConsole(io, {
    registry,
    dispatcher,
    auth,
    suggester,
    flags,
    playWarning: (call) => callControl.playWarning(call, rules.current.abuse.escalation.warning),
    takeOver: (call, identity) => callControl.redirect(call, takeOverTwiml(call, identity, publicUrl)),
    hangUp: (call) => callControl.hangUp(call),
    emergencyDial: config.emergencyDial,
    transfer: (call, service, dialTo) => callControl.redirect(call, emergencyTransferTwiml(call, service, dialTo, publicUrl)),
    knowsScenario: (id) => knowledge.scenario(id) !== undefined,
    knowsDepartment: (id) => knowledge.current.kb.departments.has(id),
    consoleOrigins: () => [...(publicUrl ? [new URL(publicUrl).origin] : []), ...config.consoleOrigins],
    info: { speech: config.speech.provider, version: VERSION }, metrics, logger: log.child({ part: 'console' }) });

  const media = new MediaStreamServer({
    path: MEDIA_STREAM_PATH,
    authToken: config.twilio.authToken,
    streamUrl: () => mediaStreamUrl(publicUrl),
    maxFrameBytes: config.media.maxFrameBytes,
    maxFrameAudioMs: 1000,
    maxLagMs: 3000,
    registry,
    recognizers,
    phrases: () => knowledge.index.phrases(),
    metrics,
    logger: log.child({ part: 'media' }),
  });
  server.on('upgrade', (req, socket, head) => {
    if (media.handleUpgrade(req, socket, head)) return;
    if (!req.url?.startsWith('/socket.io/')) socket.destroy(); // socket.io takes its own
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const localHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  publicUrl ||= `http://${localHost}:${port}`;
  log.info({ publicUrl, speech: config.speech.provider }, 'hotline-desk listening');

  let closing: Promise<void> | null = null;
  return {
    publicUrl,
    consoleUrl: `http://${localHost}:${port}/console`,
    registry,
    dispatcher,
    users,
    flows,
    knowledge,
    metrics,
    emulator,
    close() {
      closing ??= (async () => {
        clearInterval(accountSweep);
        flows.close();
        knowledge.close();
        rules.close();
        suggester.close();
        flags.close();
        await media.close(); // flush the last words of calls still streaming
        await recognizers.close?.();
        registry.close();
        await store.close();
        await sessions.close();
        io.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await emulator?.close();
      })();
      return closing;
    },
  };
}

/** The demo accounts to sign in with, or how to create the first account. */
function accountLines(accounts: readonly DemoAccount[], users: number): string {
  if (accounts.length) {
    const rows = accounts.map((a) => `            ${a.username.padEnd(8)} ${a.password.padEnd(13)} ${a.role.padEnd(10)} ${a.displayName}`);
    return `  Sign in:  demo accounts (username, password, role):\n${rows.join('\n')}\n`;
  }
  if (users === 0) return `  Sign in:  no accounts yet. Create the first admin:\n            npm run user -- add admin --role admin --name 管理员   (asks for the password)\n`;
  return `  Sign in:  with an account made by \`npm run user -- add\` (\`npm run user -- list\` shows them)\n`;
}

function speechFactory(config: Config, emulatorUrl: string, log: Logger): RecognizerFactory {
  const common = { language: config.speech.language, replayBufferMs: config.media.reconnectBufferMs };
  const speech: Omit<AzureSpeechOptions, 'logger'> =
    config.speech.provider === 'azure'
      ? { ...common, key: config.speech.key, region: config.speech.region, endpoint: config.speech.endpoint }
      : // The emulator speaks Azure's protocol: the production code path, pointed at a local test device.
        // Simulations may run faster than real time (simulate --fast): let the SDK keep up with them.
        { ...common, key: config.emulator.key, endpoint: emulatorUrl.replace(/^http/, 'ws') + RECOGNITION_PATH, tagStreams: true, unthrottledMs: 600_000 };
  const logger = log.child({ part: 'speech' });
  if (config.speechWorkers === 0) return new AzureRecognizerFactory({ ...speech, logger });
  return new SpeechWorkerPool({ workers: config.speechWorkers, setup: { speech, logLevel: config.logLevel }, logger });
}

async function main(): Promise<void> {
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  const demo = process.argv.includes('--demo') || process.env['npm_config_demo'] === 'true';
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  if (demo && config.env === 'production') {
    console.error('Configuration error: demo mode seeds accounts with published passwords and is refused with NODE_ENV=production');
    process.exit(1);
  }
  const log = createLogger(config.logLevel, { pretty: process.stdout.isTTY });
  const hotline = await startHotline(config, { logger: log });
  const accounts = demo ? await seedDemoAccounts(hotline.users) : [];
  let dialer: { stop(): Promise<void> } | null = null;
  if (demo) {
    const { startDemoDialer } = await import('./cli/demo.ts');
    dialer = startDemoDialer({ config, publicUrl: hotline.publicUrl, emulatorUrl: hotline.emulator?.httpUrl ?? config.emulator.url, logger: log.child({ part: 'demo' }) });
  }
  process.stdout.write(
    `\n  hotline-desk is running.\n` +
      `  Console:  ${hotline.consoleUrl}\n` +
      accountLines(accounts, hotline.users.size) +
      `  Webhooks: ${hotline.publicUrl}${TWILIO_BASE_PATH}/voice  (status callback: ${TWILIO_BASE_PATH}/status)\n` +
      `  Speech:   ${config.speech.provider === 'emulator' ? 'local speech-service EMULATOR (test/demo device, not real recognition)' : 'Azure Speech'}\n` +
      (demo ? `  Demo:     a simulated call every ${Math.round(config.demoIntervalMs / 1000)} s\n` : `  Try:      npm run simulate -- test/fixtures/scenarios/gjj-rent.json\n`) +
      `\n`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    await dialer?.stop();
    // SIGTERM (a deployment) lets calls in progress finish for a while; Ctrl-C stops now.
    // Either way the recognisers flush, so the last words of every call are kept.
    if (signal === 'SIGTERM' && hotline.registry.size > 0) {
      log.info({ calls: hotline.registry.size, drainMs: DRAIN_MS }, 'shutting down: waiting for calls in progress');
      await Promise.race([hotline.registry.idle(), new Promise((resolve) => setTimeout(resolve, DRAIN_MS))]);
    }
    log.info({ signal }, 'shutting down');
    await hotline.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
