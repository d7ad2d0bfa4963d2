/**
 * `npm run bench:assist [-- --sizes real,2600,26000] [--profile]`
 *
 * Knowledge retrieval at three sizes: the shipped knowledge base (64 scenarios, 168
 * sub-scenarios) and synthetic city-sized ones of 2,600 and 26,000 sub-scenarios made
 * from it (synthetic-kb.ts). For each: `KnowledgeIndex.build` time (jieba's dictionary
 * load included), heap after the build and the heap the index adds, and per-utterance
 * `index.search` latency over caller phrasings, the held-out test utterances, utterances
 * naming the synthetic places, and a few long ramblings.
 *
 * Each size runs in its own Node process (started with --expose-gc): builds start cold,
 * as on a server boot, and one size's garbage is not another's heap.
 *
 * Prints figures as it goes and, last, one JSON line: sizes [{scenarios, subScenarios,
 * buildMs, p50Ms, p99Ms, heapMb, …}], machine.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MemoryCallerHistory } from '../../server/assist/caller-history.ts';
import { AssistEngine } from '../../server/assist/engine.ts';
import { KnowledgeIndex } from '../../server/assist/knowledge-index.ts';
import { loadRules } from '../../server/assist/rules/library.ts';
import { loadKnowledge } from '../../server/knowledge/files.ts';
import type { KnowledgeBase } from '../../server/knowledge/knowledge-base.ts';
import { KNOWLEDGE_DIR } from '../support/knowledge.ts';
import { RULES_DIR } from '../support/rules.ts';
import { profileSummary } from './profile.ts';
import { localize, pick, seededRandom, syntheticKnowledgeBase, type Place } from './synthetic-kb.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'real,2600,26000' },
    profile: { type: 'boolean', default: false },
    worker: { type: 'string' },
  },
});
const SCRIPT = fileURLToPath(import.meta.url);
const HOLDOUT = path.resolve(path.dirname(SCRIPT), '../fixtures/assist-holdout.jsonl');
const MIN_MEASURED = 2000;
const WARMUP = 500;
const LOCAL_QUERIES = 600;
const LONG_QUERIES = 12;

type QueryKind = 'phrasing' | 'holdout' | 'local' | 'long';
interface Query {
  readonly text: string;
  readonly kind: QueryKind;
}

interface Latency {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** What one worker reports for one knowledge base. */
interface SizeResult extends Omit<Latency, 'count'> {
  readonly size: string;
  /** Distinct queries, and searches timed (the queries, repeated to at least MIN_MEASURED). */
  readonly queries: number;
  readonly searches: number;
  readonly scenarios: number;
  readonly subScenarios: number;
  readonly generateMs: number;
  readonly buildMs: number;
  readonly heapMb: number;
  readonly indexHeapMb: number;
  readonly indexArrayBuffersMb: number;
  readonly rssMb: number;
  readonly indexRssMb: number;
  readonly firstQueryMs: number;
  readonly answeredPct: number;
  readonly byKind: Record<string, Latency>;
  /** The whole assist engine per utterance: retrieval, every detector, intent and routing. */
  readonly analyze: Latency;
  /** What the detectors, intent and routing add to one utterance (analyze minus search of the same words), p99. */
  readonly detectorsP99Ms: number;
  readonly keywords: number;
  readonly vocabulary: number;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: round(percentile(sorted, 50), 3), p99Ms: round(percentile(sorted, 99), 3), maxMs: round(sorted.at(-1) ?? NaN, 3) };
}

async function realKnowledge(): Promise<KnowledgeBase> {
  const result = await loadKnowledge(KNOWLEDGE_DIR);
  if ('errors' in result) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.kb;
}

/** A caller who goes on: several requests, fillers and asides run together, past 300 characters. */
function longUtterance(rng: () => number, lines: readonly string[], minChars: number): string {
  const joins = ['，然后', '，还有就是', '，我跟你说啊', '。另外', '，对了', '，就是说'];
  let out = pick(rng, lines);
  while (out.length < minChars) out += pick(rng, joins) + pick(rng, lines);
  return out;
}

function querySet(real: KnowledgeBase, holdout: readonly string[], places: readonly Place[]): Query[] {
  const rng = seededRandom(7);
  const phrasings = real.scenarios.flatMap((s) => [...s.phrasings, ...s.subScenarios.flatMap((sub) => sub.phrasings)]);
  const queries: Query[] = [...phrasings.map((text) => ({ text, kind: 'phrasing' as const })), ...holdout.map((text) => ({ text, kind: 'holdout' as const }))];
  if (places.length) {
    const said = [...holdout, ...phrasings];
    for (let i = 0; i < LOCAL_QUERIES; i++) queries.push({ text: localize(pick(rng, said), pick(rng, places), rng, true), kind: 'local' });
  }
  // Most past 300 characters; a few past normalizeText's cut, which keeps the last 400.
  for (let i = 0; i < LONG_QUERIES; i++) queries.push({ text: longUtterance(rng, [...holdout, ...phrasings], i % 4 === 3 ? 1000 : 300), kind: 'long' });
  return queries;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The worker: measures one knowledge base and prints its figures, the JSON line last. */
async function measure(size: string): Promise<void> {
  const real = await realKnowledge();
  const holdout = (await readFile(HOLDOUT, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const started = performance.now();
  const synthetic = size === 'real' ? null : syntheticKnowledgeBase(real, { subScenarios: Number(size) });
  const generateMs = performance.now() - started;
  const kb = synthetic?.kb ?? real;
  const queries = querySet(real, holdout, synthetic?.places ?? []);
  const subCount = kb.scenarios.reduce((n, s) => n + s.subScenarios.length, 0);
  console.log(`  ${size}: ${kb.scenarios.length} scenarios, ${subCount} sub-scenarios${synthetic ? ` (generated in ${Math.round(generateMs)} ms)` : ''}; ${queries.length} queries`);

  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const index = KnowledgeIndex.build(kb);
  const buildMs = performance.now() - t0;
  gc();
  const after = process.memoryUsage();
  console.log(`  ${size}: built in ${Math.round(buildMs)} ms; heap ${mb(after.heapUsed)} MB (+${mb(after.heapUsed - before.heapUsed)} MB), RSS ${mb(after.rss)} MB (+${mb(after.rss - before.rss)} MB)`);

  const first = performance.now();
  index.search(queries[0]!.text);
  const firstQueryMs = performance.now() - first;
  for (let i = 0; i < WARMUP; i++) index.search(queries[i % queries.length]!.text);

  const samples: number[] = [];
  const byKind = new Map<QueryKind, number[]>(queries.map((q) => [q.kind, []]));
  let answered = 0;
  while (samples.length < MIN_MEASURED) {
    for (const q of queries) {
      const t = performance.now();
      const { suggestions } = index.search(q.text);
      const ms = performance.now() - t;
      samples.push(ms);
      byKind.get(q.kind)!.push(ms);
      if (suggestions.length) answered++;
    }
  }
  const all = latency(samples);
  console.log(`  ${size}: ${all.count} searches, p50 ${all.p50Ms} ms, p99 ${all.p99Ms} ms, max ${all.maxMs} ms`);

  // The whole engine, with the shipped rules and a caller history to look up.
  const rules = await loadRules(RULES_DIR, new Set(kb.departments.keys()));
  if ('errors' in rules) throw new Error(rules.errors.map((e) => e.message).join('; '));
  const history = new MemoryCallerHistory();
  const engine = new AssistEngine(() => index, () => rules.rules, history);
  for (let i = 0; i < 10_000; i++) history.record({ callerHash: `caller-${i % 2000}`, atMs: Date.now() - i * 60_000, scenarioId: kb.scenarios[i % kb.scenarios.length]!.id, outcome: 'answered' });
  for (let i = 0; i < WARMUP; i++) engine.analyze(queries[i % queries.length]!.text, { callerHash: `caller-${i % 2000}`, atMs: Date.now() });
  const analyzed: number[] = [];
  const added: number[] = [];
  while (analyzed.length < MIN_MEASURED) {
    for (const [i, q] of queries.entries()) {
      // The same utterance searched alone, then analysed whole: the difference is what detectors, intent and routing add.
      let t = performance.now();
      index.search(q.text);
      const searchMs = performance.now() - t;
      t = performance.now();
      engine.analyze(q.text, { callerHash: `caller-${i % 2000}`, atMs: Date.now() });
      const analyzeMs = performance.now() - t;
      analyzed.push(analyzeMs);
      added.push(Math.max(0, analyzeMs - searchMs));
    }
  }
  const analyze = latency(analyzed);
  const detectors = latency(added);
  console.log(`  ${size}: ${analyze.count} analyses (search + detectors + routing), p50 ${analyze.p50Ms} ms, p99 ${analyze.p99Ms} ms; detectors add p50 ${detectors.p50Ms} ms, p99 ${detectors.p99Ms} ms`);

  // Vocabulary: the distinct words the index was built from (after the heap was measured).
  const keywords = new Set(kb.scenarios.flatMap((s) => [...s.keywords, ...s.subScenarios.flatMap((sub) => sub.keywords)]));
  const words = new Set<string>();
  for (const s of kb.scenarios) {
    for (const text of [s.title, ...s.keywords, ...s.phrasings, ...s.subScenarios.flatMap((sub) => [sub.title, ...sub.keywords, ...sub.phrasings])]) {
      for (const term of index.analyzer.analyze(text).terms.keys()) if (term.startsWith('w:')) words.add(term);
    }
  }

  const result: SizeResult = {
    size,
    scenarios: index.size.scenarios,
    subScenarios: index.size.subScenarios,
    generateMs: round(generateMs),
    buildMs: round(buildMs),
    queries: queries.length,
    searches: all.count,
    p50Ms: all.p50Ms,
    p99Ms: all.p99Ms,
    maxMs: all.maxMs,
    heapMb: mb(after.heapUsed),
    indexHeapMb: mb(after.heapUsed - before.heapUsed),
    indexArrayBuffersMb: mb(after.arrayBuffers - before.arrayBuffers),
    rssMb: mb(after.rss),
    indexRssMb: mb(after.rss - before.rss),
    firstQueryMs: round(firstQueryMs, 3),
    answeredPct: round((answered / samples.length) * 100),
    byKind: Object.fromEntries([...byKind].map(([kind, ms]) => [kind, latency(ms)])),
    analyze,
    detectorsP99Ms: detectors.p99Ms,
    keywords: keywords.size,
    vocabulary: words.size,
  };
  console.log(JSON.stringify(result));
}

/** Runs one size in a fresh Node process; its progress lines pass through, its JSON line is returned. */
function runWorker(size: string, profileDir: string | null): Promise<SizeResult> {
  const nodeArgs = ['--expose-gc', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', SCRIPT, '--worker', size];
  const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  let last = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{')) last = line;
    else console.log(line);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && last ? resolve(JSON.parse(last) as SizeResult) : reject(new Error(`worker for ${size} exited with ${code}`))));
  });
}

const COLUMNS: [string, (r: SizeResult) => string | number][] = [
  ['size', (r) => r.size],
  ['scenarios', (r) => r.scenarios],
  ['subs', (r) => r.subScenarios],
  ['words', (r) => r.vocabulary],
  ['build ms', (r) => Math.round(r.buildMs)],
  ['p50 ms', (r) => r.p50Ms.toFixed(3)],
  ['p99 ms', (r) => r.p99Ms.toFixed(3)],
  ['max ms', (r) => r.maxMs.toFixed(3)],
  ['long p50', (r) => r.byKind['long']?.p50Ms.toFixed(3) ?? '-'],
  ['heap MB', (r) => r.heapMb],
  ['index heap', (r) => `+${r.indexHeapMb}`],
  ['index buf', (r) => `+${r.indexArrayBuffersMb}`],
  ['RSS MB', (r) => r.rssMb],
];

function table(results: readonly SizeResult[]): string {
  const rows = [COLUMNS.map(([name]) => name), ...results.map((r) => COLUMNS.map(([, cell]) => String(cell(r))))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => '  ' + row.map((cell, i) => (i ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  if (args.worker) return measure(args.worker);
  const sizes = args.sizes.split(',').map((s) => s.trim());
  const wrong = sizes.find((s) => s !== 'real' && !(Number.isInteger(Number(s)) && Number(s) > 0));
  if (wrong) throw new Error(`--sizes: "${wrong}" is neither "real" nor a number of sub-scenarios`);
  const cpus = os.cpus();
  const machine = { cpus: cpus.length, model: cpus[0]?.model ?? 'cpu', node: process.version, loadAvg: round(os.loadavg()[0]!, 2) };
  console.log(`bench:assist  sizes ${sizes.join(', ')}; ≥${MIN_MEASURED} searches each; ${machine.cpus} × ${machine.model}, Node ${machine.node}`);
  const profileDir = args.profile ? await mkdtemp(path.join(os.tmpdir(), 'bench-assist-')) : null;
  const results: SizeResult[] = [];
  for (const size of sizes) {
    results.push(await runWorker(size, profileDir && path.join(profileDir, size)));
    if (profileDir) {
      // The main thread's profile (thread 0); tsx's loader thread has its own.
      for (const file of (await readdir(path.join(profileDir, size))).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))) {
        console.log(`  profile ${size}`);
        console.log(profileSummary(JSON.parse(await readFile(path.join(profileDir, size, file), 'utf8'))));
      }
    }
  }
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  console.log(table(results));
  console.log(JSON.stringify({ sizes: results, machine, minMeasured: MIN_MEASURED, warmup: WARMUP }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
