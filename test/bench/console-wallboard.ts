/**
 * `tsx test/bench/console-wallboard.ts [--calls 200] [--samples 300] [--partials-per-second 200]`
 * (part of `npm run bench:console`)
 *
 * The supervisor wallboard with many live calls in headless Chromium, against a real
 * server. Calls are driven through the real server path without audio: the call registry
 * (start, queue), the real dispatcher giving each to an operator, the assist engine on the
 * callers' sentences (registry.transcript, as the recogniser hands them over), the console
 * feed and socket.io to the page. While it runs, the page also receives a steady load of
 * partial transcripts of every call (as a busy floor sends them to supervisors).
 *
 * Measured in the page: from the WebSocket message carrying an event (its arrival, before
 * socket.io parses it) to the DOM showing it (a MutationObserver sees the row changed):
 *   - emergency: `call:updated` with the emergency flag → the row marked critical (and moved up);
 *   - started:   `call:started` → a new row;
 *   - ended:     `call:ended` → the row gone.
 * And the page's JS heap after a forced GC (CDP), with all calls on the board.
 *
 * Prints figures as it goes and, last, one JSON line: calls, p50UpdateMs, p99UpdateMs, heapMb, …
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import buildConsole from '../support/build-console.ts';
import { launchChromium } from '../support/browser.ts';
import { ACCOUNT_SID, startTestHotline, type TestHotline } from '../support/hotline.ts';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    samples: { type: 'string', default: '300' },
    'partials-per-second': { type: 'string', default: '200' },
  },
});
const CALLS = Number(args.calls);
const SAMPLES = Number(args.samples);
const PARTIALS_PER_SECOND = Number(args['partials-per-second']);
const QUEUES = ['consult', 'complaint', 'report', 'suggestion', 'general'] as const;
const sid = (n: number) => `CA${n.toString(16).padStart(32, '0')}`;

/**
 * Installed before the page's scripts: timestamps WebSocket messages and DOM changes for the
 * expectations the bench sets. Plain JavaScript in a string: tsx's transform would add
 * helpers to a function that do not exist in the page.
 */
const PROBE = `
(() => {
  const pending = new Map();
  let next = 0;
  const check = () => {
    for (const [id, p] of pending) {
      if (p.arrived === null) continue;
      const present = document.querySelector(p.selector) !== null;
      if (present !== p.gone) {
        pending.delete(id);
        p.resolve(performance.now() - p.arrived);
      }
    }
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string' || !pending.size) return;
        const at = performance.now();
        for (const p of pending.values()) if (p.arrived === null && p.match.every((m) => e.data.includes(m))) p.arrived = at;
      });
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  window.__expect = (match, selector, gone) => new Promise((resolve) => pending.set(next++, { match, selector, gone, arrived: null, resolve }));
})();
`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main(): Promise<void> {
  // Built fresh unless told not to (BENCH_BUILD=0 with a build in place).
  if (process.env['BENCH_BUILD'] !== '0' || !existsSync(path.resolve('agent-console/dist/index.html'))) buildConsole();
  const t = await startTestHotline();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.addInitScript({ content: PROBE });
    const { cookie } = await t.signIn('bench-super', 'supervisor');
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: t.url }]);
    await page.goto(`${t.url}/console#/wallboard`);
    await page.locator('#wallboard').waitFor();

    // The floor: one operator per call, each given one as it is queued.
    const { registry, dispatcher } = t.hotline;
    for (let i = 0; i < CALLS + SAMPLES; i++) dispatcher.connected({ userId: `bench-op-${i}`, username: `op${i}`, displayName: `坐席${i}` });
    let serial = 0;
    const startCall = (): string => {
      const n = ++serial;
      const call = registry.start({ callSid: sid(n), accountSid: ACCOUNT_SID, from: `+86138${String(10_000_000 + n).slice(-8)}`, to: '+8612345', status: 'in-progress' });
      registry.queued(call, QUEUES[n % QUEUES.length]!, undefined);
      return call.callSid;
    };
    const loadStarted = performance.now();
    const live: string[] = [];
    for (let i = 0; i < CALLS; i++) live.push(startCall());
    await page.waitForFunction((n) => document.querySelectorAll('#wb-calls tbody tr').length === n, CALLS, { timeout: 60_000 });
    console.log(`${CALLS} calls on the board in ${Math.round(performance.now() - loadStarted)} ms`);

    // A steady load of partial transcripts across every call while measuring.
    let partials = 0;
    const load = setInterval(() => {
      for (let k = 0; k < PARTIALS_PER_SECOND / 10; k++) {
        const call = registry.get(live[Math.floor(Math.random() * live.length)]!);
        if (!call) continue;
        registry.transcript(call, { speaker: Math.random() < 0.5 ? 'caller' : 'operator', text: `我想问一下那个${partials++ % 97}号的事情`, final: false, offsetMs: partials * 100, durationMs: 800 });
      }
    }, 100);

    const measured: Record<'emergency' | 'started' | 'ended', number[]> = { emergency: [], started: [], ended: [] };
    const expectOnPage = (match: string[], selector: string, gone = false) => page.evaluate(([m, s, g]) => (window as unknown as { __expect: (m: string[], s: string, g: boolean) => Promise<number> }).__expect(m, s, g), [match, selector, gone] as const);
    /** Arms the page for an event, then causes it on the server, and waits for the DOM. */
    const sample = async (kind: keyof typeof measured, match: string[], selector: string, cause: () => void, gone = false) => {
      const armed = expectOnPage(match, selector, gone);
      await page.evaluate(() => undefined); // the expectation is set before the event is sent
      cause();
      measured[kind].push(await withTimeout(armed, 10_000, kind));
    };
    const critical = new Set<string>();
    for (let i = 0; i < SAMPLES; i++) {
      if (i % 3 === 2) {
        // A call ends and another comes in.
        const gone = live.splice(Math.floor(Math.random() * live.length), 1)[0]!;
        await sample('ended', ['"call:ended"', gone], `#wb-calls tr[data-call-sid="${gone}"]`, () => registry.status(gone, 'completed'), true);
        const next = sid(serial + 1);
        await sample('started', ['"call:started"', next], `#wb-calls tr[data-call-sid="${next}"]`, () => void live.push(startCall()));
      } else {
        // An emergency on a call that had none.
        const target = live.find((x) => !critical.has(x))!;
        critical.add(target);
        const call = registry.get(target)!;
        await sample('emergency', ['"call:updated"', target, '"worst":"emergency"'], `#wb-calls tr[data-call-sid="${target}"][data-tier="critical"]`, () =>
          registry.transcript(call, { speaker: 'caller', text: '我家楼下着火了，烟很大，快派人来', final: true, offsetMs: 60_000 + i, durationMs: 2500 }),
        );
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    clearInterval(load);

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    const rows = await page.locator('#wb-calls tbody tr').count();
    const all = Object.values(measured).flat().sort((a, b) => a - b);
    const figures = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { n: s.length, p50Ms: round(percentile(s, 50)), p99Ms: round(percentile(s, 99)), maxMs: round(s.at(-1)!) };
    };
    for (const [kind, xs] of Object.entries(measured)) {
      const f = figures(xs);
      console.log(`${kind.padEnd(9)} n=${f.n} p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  max ${f.maxMs} ms`);
    }
    const heapMb = round(heap.usedSize / 1048576);
    console.log(`all       n=${all.length} p50 ${round(percentile(all, 50))} ms  p99 ${round(percentile(all, 99))} ms; ${rows} rows; JS heap ${heapMb} MB after GC; ${partials} partials sent meanwhile`);
    console.log(JSON.stringify({
      calls: rows,
      samples: all.length,
      p50UpdateMs: round(percentile(all, 50)),
      p99UpdateMs: round(percentile(all, 99)),
      maxUpdateMs: round(all.at(-1)!),
      byEvent: Object.fromEntries(Object.entries(measured).map(([k, xs]) => [k, figures(xs)])),
      heapMb,
      partialsSent: partials,
      partialsPerSecond: PARTIALS_PER_SECOND,
    }));
    await page.close();
  } finally {
    await browser.close();
    await closeQuietly(t);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no DOM update for ${what} within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

async function closeQuietly(t: TestHotline): Promise<void> {
  await t.close().catch((error: unknown) => console.error('closing the server failed:', error));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

