import { randomBytes } from 'node:crypto';
import { MemoryCallerHistory } from '../../server/assist/caller-history.ts';
import { callerHash } from '../../server/calls/caller-hash.ts';

/**
 * `npm run bench:repeat [-- --calls N]`: the repeat-caller lookup with N past calls in the
 * history (default one million over 30 days: a city of Suzhou's volume). Callers are drawn
 * so a few dial very often, as on real lines. Prints p50/p99 of one lookup (the caller's
 * last 7 days plus the topic's last hour), load time and memory; the last line is JSON.
 */
const arg = process.argv.indexOf('--calls');
const calls = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const DAYS = 30;
const now = Date.UTC(2026, 10, 22, 12);
const secret = randomBytes(32).toString('hex');
const callers = Array.from({ length: Math.ceil(calls / 4) }, (_, i) => callerHash(secret, `+86138${String(i).padStart(8, '0')}`));
const topics = Array.from({ length: 2600 }, (_, i) => `syn${i % 260}.t${i}`);

// Deterministic skew: caller i is picked with weight ~ 1/(i+1)^0.8 (a few dial very often).
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pickCaller = () => callers[Math.min(callers.length - 1, Math.floor(callers.length * random() ** 3))]!;

const heapBefore = process.memoryUsage().heapUsed;
const history = new MemoryCallerHistory();
let started = performance.now();
const spacing = (DAYS * 86_400_000) / calls;
for (let i = 0; i < calls; i++) {
  history.record({ callerHash: pickCaller(), atMs: now - DAYS * 86_400_000 + i * spacing, scenarioId: topics[Math.floor(random() * topics.length)]!, outcome: 'answered' });
}
const loadMs = performance.now() - started;
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

const times: number[] = [];
for (let i = 0; i < 22_000; i++) {
  const who = pickCaller();
  const topic = topics[Math.floor(random() * topics.length)]!;
  started = performance.now();
  const mine = history.byCaller(who, now - 7 * 86_400_000, now);
  const recent = history.byTopic(topic, now - 3_600_000, now);
  if (mine.length < 0 || recent.length < 0) throw new Error('unreachable');
  if (i >= 2000) times.push(performance.now() - started); // the first 2,000 warm up
}
times.sort((a, b) => a - b);
const q = (p: number) => +times[Math.floor((times.length - 1) * p)]!.toFixed(4);
console.log(`history: ${calls.toLocaleString()} calls from ${callers.length.toLocaleString()} numbers over ${DAYS} days, loaded in ${loadMs.toFixed(0)} ms, +${heapMb.toFixed(0)} MB heap`);
console.log(`lookup (caller's 7 days + topic's hour): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms over ${times.length} lookups`);
console.log(JSON.stringify({ calls, callers: callers.length, loadMs: Math.round(loadMs), heapMb: Math.round(heapMb), p50Ms: q(0.5), p99Ms: q(0.99), maxMs: q(1) }));
