/**
 * `npm run bench:media -- --calls N [--talk-seconds S] [--ramp-seconds R] [--profile]`
 *
 * N concurrent simulated calls at real-time pace through the whole path: signed webhooks,
 * the IVR, the Media Streams socket (20 ms mu-law frames on both tracks), the real speech
 * SDK, the speech-service emulator in its own process, and a socket.io console client.
 * The server runs in its own process so its CPU and memory can be read from /proc.
 *
 * Prints figures as it goes and, last, one JSON line (CONTRACTS §4): calls, p50Ms, p99Ms
 * (final phrase leaving the emulator → arriving at the console client), droppedFrames,
 * cpuPerCallPct, rssPerCallMb, and more.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.ts';
import { SpeechSynthesizer } from '../../server/simulator/audio.ts';
import { SimulatedCall } from '../../server/simulator/call.ts';
import { ConsoleWatcher, type ConsoleEvent } from '../../server/simulator/console-watcher.ts';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { profileSummary } from './profile.ts';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '50' },
    'talk-seconds': { type: 'string', default: '60' },
    'ramp-seconds': { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const CALLS = Number(args.calls);
const TALK_SECONDS = Number(args['talk-seconds']);
const RAMP_SECONDS = Number(args['ramp-seconds'] ?? Math.min(30, Math.max(2, CALLS / 10)));
const CLK_TCK = 100;
const config = loadConfig({});

// Lines a caller and an operator might say; each call repeats them until TALK_SECONDS of talk.
const CALLER_LINES = ['你好，我想问一下租房子怎么提取公积金', '需要带什么材料', '社保卡丢了怎么补办', '我们小区停水了，什么时候能来水', '楼下工地晚上还在施工'];
const OPERATOR_LINES = ['您好，12345热线，请讲', '您需要带身份证和租房合同', '您可以先挂失再到银行网点补办', '我们马上联系水务集团了解情况'];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts a Node process running a TypeScript entry; its output goes to `logFile`. */
function startNode(script: string, env: Record<string, string>, logFile: string, extraArgs: string[] = []): ChildProcess {
  const out = openSync(logFile, 'a');
  return spawn(process.execPath, [...extraArgs, '--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never came up`);
}

/** CPU seconds (user + system) and RSS in MB of a process, from /proc. */
async function usage(pid: number): Promise<{ cpuSeconds: number; rssMb: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / CLK_TCK;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
  return { cpuSeconds, rssMb };
}

async function metric(server: string, name: string): Promise<number> {
  return sumOf(await (await fetch(`${server}/metrics`)).text(), name);
}

function sumOf(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name) && !line.startsWith('#')) sum += Number(line.split(' ').at(-1));
  return sum;
}

/** CPU seconds of each thread of a process, by thread id, with the thread's name. */
async function threadUsage(pid: number): Promise<Map<string, { name: string; cpuSeconds: number }>> {
  const out = new Map<string, { name: string; cpuSeconds: number }>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      const stat = (await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
      const name = (await readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8')).trim();
      out.set(tid, { name: tid === String(pid) ? 'main' : name, cpuSeconds: (Number(stat[11]) + Number(stat[12])) / CLK_TCK });
    } catch {
      /* the thread ended */
    }
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-media-'));
  const [serverPort, emulatorPort] = await Promise.all([freePort(), freePort()]);
  const server = `http://127.0.0.1:${serverPort}`;
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const env = { PORT: String(serverPort), EMULATOR_URL: emulatorUrl, EMULATOR_EMBEDDED: 'false', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development' };

  const emulator = startNode('server/speech/emulator/main.ts', env, path.join(dataDir, 'emulator.log'));
  const profileDir = path.join(dataDir, 'profile');
  const serverLog = process.env['BENCH_SERVER_LOG'] ?? path.join(dataDir, 'server.log');
  const serverProcess = startNode('server/main.ts', env, serverLog, [...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...(process.env['BENCH_SERVER_NODE_ARGS']?.split(' ').filter(Boolean) ?? [])]);
  await Promise.all([waitFor(`${emulatorUrl}/emulator/health`), waitFor(`${server}/healthz`)]);
  const idle = await usage(serverProcess.pid!);
  const emulatorIdle = await usage(emulator.pid!);

  // Synthesize every line once, before the clock starts.
  const synth = new SpeechSynthesizer();
  await Promise.all([...CALLER_LINES, ...OPERATOR_LINES].map((l) => synth.speak(l)));
  const talkPerRound = await Promise.all(
    CALLER_LINES.map(async (l, i) => (await synth.speak(l)).mulaw.length / 8 + (await synth.speak(OPERATOR_LINES[i % OPERATOR_LINES.length]!)).mulaw.length / 8 + 1800),
  );
  const roundMs = talkPerRound.reduce((a, b) => a + b, 0) / CALLER_LINES.length;
  const turns = Math.max(1, Math.round((TALK_SECONDS * 1000) / roundMs));
  const scenario = parseScenario({
    caller: '+8613800000000',
    ivr: ['0'],
    caller_says: Array.from({ length: turns }, (_, i) => CALLER_LINES[i % CALLER_LINES.length]!),
    operator_says: Array.from({ length: turns }, (_, i) => OPERATOR_LINES[i % OPERATOR_LINES.length]!),
  });

  const watcher = await ConsoleWatcher.connect(server, config.consoleToken);
  const finals: { stream: string; text: string; atMs: number }[] = [];
  let failures = 0;
  let senderDropped = 0;
  let senderSent = 0;
  const calls = Array.from({ length: CALLS }, () => {
    const call = new SimulatedCall(scenario, {
      server,
      authToken: config.twilio.authToken,
      accountSid: `AC${'0'.repeat(32)}`,
      emulator: { url: emulatorUrl, key: config.emulator.key },
      console: null,
      synth,
      pace: 'realtime',
      sayMsPerCharacter: 0,
      onEvent: (e) => {
        if (e.type === 'ended') {
          senderDropped += e.droppedFrames;
          senderSent += e.sentFrames;
        }
      },
    });
    watcher.follow(call.callSid, (event: ConsoleEvent) => {
      if (event.kind === 'transcript' && event.line.final) {
        finals.push({ stream: `${call.callSid}:${event.line.speaker === 'caller' ? 'inbound' : 'outbound'}`, text: event.line.text, atMs: event.atMs });
      }
    });
    return call;
  });

  console.log(`bench:media  ${CALLS} calls, ~${Math.round((turns * roundMs) / 1000)} s of talk each, ramp ${RAMP_SECONDS} s, server pid ${serverProcess.pid}`);
  const runs = calls.map(
    (call, i) =>
      new Promise<void>((resolve) => setTimeout(resolve, (i * RAMP_SECONDS * 1000) / CALLS)).then(() =>
        call.run().catch((error: Error) => {
          failures++;
          if (failures <= 5) console.error(`call failed: ${error.message}`);
        }),
      ),
  );

  // Steady state: every call streaming, none finished.
  await new Promise((r) => setTimeout(r, RAMP_SECONDS * 1000 + 3000));
  const windowMs = Math.max(5000, turns * roundMs - RAMP_SECONDS * 1000 - 8000);
  const framesBefore = await metric(server, 'hotline_media_frames_total');
  const before = await usage(serverProcess.pid!);
  const threadsBefore = await threadUsage(serverProcess.pid!);
  const emulatorBefore = await usage(emulator.pid!);
  const selfBefore = process.cpuUsage();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const t0 = performance.now();
  const windowStartMs = performance.timeOrigin + t0;
  await new Promise((r) => setTimeout(r, windowMs));
  const windowEndMs = performance.timeOrigin + performance.now();
  const seconds = (performance.now() - t0) / 1000;
  const after = await usage(serverProcess.pid!);
  const threadsAfter = await threadUsage(serverProcess.pid!);
  const emulatorAfter = await usage(emulator.pid!);
  const self = process.cpuUsage(selfBefore);
  lag.disable();
  // One scrape: the server's event-loop lag histogram covers the time since the previous one.
  const scrape = await (await fetch(`${server}/metrics`)).text();
  const framesAfter = sumOf(scrape, 'hotline_media_frames_total');
  const lagP99 = sumOf(scrape, 'nodejs_eventloop_lag_p99_seconds');
  const streamsOpen = await metric(server, 'hotline_media_streams');

  await Promise.all(runs);
  await new Promise((r) => setTimeout(r, 1500));
  const serverDropped = await metric(server, 'hotline_media_dropped_frames_total');
  const webhookCount = await metric(server, 'hotline_webhook_duration_seconds_count');
  const webhookSum = await metric(server, 'hotline_webhook_duration_seconds_sum');

  // Latency: each final phrase from the moment the emulator sent it to its arrival at the console.
  const { phrases } = (await (await fetch(`${emulatorUrl}/emulator/phrases`, { headers: { authorization: `Bearer ${config.emulator.key}` } })).json()) as {
    phrases: { stream: string; text: string; sentAtMs: number }[];
  };
  const sent = new Map<string, number[]>();
  for (const p of phrases) sent.set(`${p.stream}|${p.text}`, [...(sent.get(`${p.stream}|${p.text}`) ?? []), p.sentAtMs]);
  const latencies: number[] = [];
  const steady: number[] = [];
  for (const f of finals) {
    const queue = sent.get(`${f.stream}|${f.text}`);
    const at = queue?.shift();
    if (at === undefined) continue;
    latencies.push(f.atMs - at);
    if (at >= windowStartMs && at <= windowEndMs) steady.push(f.atMs - at);
  }
  latencies.sort((a, b) => a - b);
  steady.sort((a, b) => a - b);
  const expectedFinals = CALLS * turns * 2;

  watcher.close();
  serverProcess.kill('SIGINT');
  emulator.kill('SIGINT');
  await new Promise((r) => serverProcess.once('exit', r));

  const threads = [...threadsAfter]
    .map(([tid, t]) => ({ name: t.name, pct: ((t.cpuSeconds - (threadsBefore.get(tid)?.cpuSeconds ?? 0)) / seconds) * 100 }))
    .filter((t) => t.pct >= 1)
    .sort((a, b) => b.pct - a.pct);
  const cpuPct = ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100;
  const emulatorCpuPct = ((emulatorAfter.cpuSeconds - emulatorBefore.cpuSeconds) / seconds) * 100;
  const result = {
    calls: CALLS,
    failedCalls: failures,
    framesPerSec: round((framesAfter - framesBefore) / seconds, 0),
    expectedFramesPerSec: CALLS * 2 * 50,
    // Steady state: finals sent while every call was streaming and none had ended.
    p50Ms: round(percentile(steady, 50)),
    p99Ms: round(percentile(steady, 99)),
    maxMs: round(steady.at(-1) ?? NaN),
    steadyFinals: steady.length,
    // The whole run, ramp-up included (calls being set up at CALLS / RAMP_SECONDS a second).
    p99AllMs: round(percentile(latencies, 99)),
    finalsDelivered: latencies.length,
    finalsExpected: expectedFinals,
    droppedFrames: serverDropped + senderDropped,
    sentFrames: senderSent,
    serverCpuPct: round(cpuPct),
    cpuPerCallPct: round(cpuPct / CALLS, 3),
    serverRssMb: round(after.rssMb),
    rssPerCallMb: round((after.rssMb - idle.rssMb) / CALLS, 2),
    emulatorCpuPct: round(emulatorCpuPct),
    loadGeneratorCpuPct: round(((self.user + self.system) / 1e6 / seconds) * 100),
    loadGeneratorLagP99Ms: round(lag.percentile(99) / 1e6),
    emulatorRssMb: round(emulatorAfter.rssMb - emulatorIdle.rssMb + emulatorIdle.rssMb),
    eventLoopLagP99Ms: round(lagP99 * 1000),
    streamsOpenInWindow: streamsOpen,
    webhookMeanMs: round((webhookSum / Math.max(1, webhookCount)) * 1000, 2),
    windowSeconds: round(seconds),
    machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0]!.toFixed(1)}`,
  };
  console.log(`  frames/s handled   ${result.framesPerSec} of ${result.expectedFramesPerSec} sent`);
  console.log(`  phrase → console   steady state p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (${result.steadyFinals} finals); whole run p99 ${result.p99AllMs} ms`);
  console.log(`  finals delivered   ${result.finalsDelivered} of ${result.finalsExpected}`);
  console.log(`  server             ${result.serverCpuPct}% CPU (${result.cpuPerCallPct}% per call), RSS ${result.serverRssMb} MB (${result.rssPerCallMb} MB per call), loop lag p99 ${result.eventLoopLagP99Ms} ms`);
  console.log(`  server threads     ${threads.map((t) => `${t.name} ${round(t.pct)}%`).join(', ')}`);
  console.log(`  emulator           ${result.emulatorCpuPct}% CPU; load generator ${result.loadGeneratorCpuPct}% CPU, loop lag p99 ${result.loadGeneratorLagP99Ms} ms`);
  console.log(`  dropped frames     ${result.droppedFrames}; failed calls ${failures}; webhook mean ${result.webhookMeanMs} ms`);
  if (args.profile) {
    // One profile per thread: the main thread's and each speech worker's.
    const files = (await readdir(profileDir).catch(() => [])).filter((f) => f.endsWith('.cpuprofile')).sort();
    for (const file of files) {
      console.log(`  profile ${file}`);
      console.log(profileSummary(JSON.parse(await readFile(path.join(profileDir, file), 'utf8'))));
    }
  }
  await rm(dataDir, { recursive: true, force: true });
  console.log(JSON.stringify(result));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
