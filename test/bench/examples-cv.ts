import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryCallerHistory } from '../../server/assist/caller-history.ts';
import { AssistEngine } from '../../server/assist/engine.ts';
import { KnowledgeIndex } from '../../server/assist/knowledge-index.ts';
import { loadRules, type Rules } from '../../server/assist/rules/library.ts';
import { loadKnowledge } from '../../server/knowledge/files.ts';
import { parseYaml } from '../../server/knowledge/files.ts';
import type { KnowledgeError } from '../../server/knowledge/knowledge-base.ts';
import { ExampleModel } from '../../server/assist/rules/example-model.ts';
import { examplesFileSchema, type ExampleRules, type LearnedFlag } from '../../server/assist/rules/schema.ts';

/**
 * `npm run eval:examples [-- --thresholds 0.5,0.6,0.7]`: how well what the detectors learn
 * from `rules/examples.yaml` carries to words it has not seen. Leave one set out: for each
 * tuning set of test/fixtures, train on every example except that set's lines and judge
 * them. Prints the model's own recall and precision (the rules are not counted) per
 * threshold, then the whole engine's intent accuracy per intent threshold (and more below;
 * `--show FLAG[,FLAG…]` lists the held-out lines the whole engine gets wrong for those flags,
 * `--sweep-only` runs only that sweep, `--department-only` only the department measure); choose the
 * file's thresholds here, never on a held-out set. The last line is JSON.
 */
const SETS = ['flags-holdout', 'flags-tune2', 'calls-tune3', 'calls-tune4', 'calls-tune5', 'calls-tune7', 'calls-tune8', 'calls-tune10', 'calls-tune12', 'calls-tune13', 'calls-tune14', 'calls-tune15', 'calls-tune16', 'calls-tune17', 'calls-tune18', 'calls-tune19', 'calls-tune20', 'calls-tune21', 'calls-tune22', 'calls-tune29', 'calls-tune30', 'calls-tune35', 'calls-tune36', 'calls-tune41', 'calls-tune42', 'calls-tune43'];
const arg = process.argv.indexOf('--thresholds');
const thresholds = arg > 0 ? process.argv[arg + 1]!.split(',').map(Number) : [0.4, 0.5, 0.6, 0.7, 0.8];

interface Case {
  readonly text: string;
  readonly flags: readonly string[];
  readonly allow: readonly string[];
  readonly intent: string | null;
  readonly department: string | null;
}

const errors: KnowledgeError[] = [];
const examples = parseYaml('examples.yaml', await readFile('rules/examples.yaml', 'utf8'), examplesFileSchema, errors);
if (!examples) {
  for (const e of errors) console.error(e.message);
  process.exit(2);
}
const learned = (list: readonly string[][] | undefined) => (list ?? []).map((f) => f.join('.')).filter((k) => !k.startsWith('repeat.'));
const folds: Case[][] = await Promise.all(
  SETS.map(async (name) =>
    (await readFile(`test/fixtures/${name}.jsonl`, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { text: string; expect: { flags?: string[][]; allow?: string[][]; intent?: string; department?: string | null } })
      .map((c) => ({
        text: c.text,
        flags: learned(c.expect.flags),
        allow: learned(c.expect.allow),
        intent: c.expect.intent && c.expect.intent !== '*' ? c.expect.intent : null,
        department: c.expect.department && c.expect.department !== '*' ? c.expect.department : null,
      })),
  ),
);

// `--sweep-only` skips to the per-flag sweep (what `--show` needs): a third of the time. A shard
// of the sweep (EVAL_SHARD, below) does nothing else.
const sweepOnly = process.argv.includes('--sweep-only') || process.env.EVAL_SHARD !== undefined;
// `--department-only` runs only the department measure (below) and stops.
const departmentOnly = process.argv.includes('--department-only');
const skipping = sweepOnly || departmentOnly;
const results = (skipping ? [] : thresholds).map((threshold) => {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  const per = new Map<string, { tp: number; fn: number; fp: number }>();
  const of = (f: string) => per.get(f) ?? (per.set(f, { tp: 0, fn: 0, fp: 0 }), per.get(f)!);
  for (const fold of folds) {
    const out = new Set(fold.map((c) => c.text));
    const source: ExampleRules = { ...examples, threshold, thresholds: {}, examples: examples.examples.filter((e) => !out.has(e.text)) };
    const model = ExampleModel.train(source);
    for (const c of fold) {
      const got = new Set<string>(model.judge(c.text).map((j) => j.flag));
      for (const f of c.flags) got.has(f) ? (tp++, of(f).tp++) : (fn++, of(f).fn++);
      for (const f of got) if (!c.flags.includes(f) && !c.allow.includes(f)) fp++, of(f).fp++;
    }
  }
  const recall = tp / (tp + fn);
  const precision = tp + fp ? tp / (tp + fp) : 1;
  if (process.argv.includes('--per-flag')) for (const [f, c] of [...per].sort()) console.log(`  ${f.padEnd(32)} recall ${(c.tp / (c.tp + c.fn || 1)).toFixed(2)} (${c.tp}/${c.tp + c.fn})  false ${c.fp}`);
  console.log(`threshold ${threshold.toFixed(2)}  recall ${recall.toFixed(3)}  precision ${precision.toFixed(3)}${threshold === examples.threshold ? '  ← in rules/examples.yaml' : ''}`);
  return { threshold, recall: Number(recall.toFixed(3)), precision: Number(precision.toFixed(3)) };
});

// The kind of request, judged by the whole engine (rules first, then what the examples
// teach), per intent threshold: the same leave-one-set-out, on the lines labelled with one.
const intentArg = process.argv.indexOf('--intent-thresholds');
const intentThresholds = intentArg > 0 ? process.argv[intentArg + 1]!.split(',').map(Number) : [0.6, 0.7, 0.8, 0.9];
const knowledge = await loadKnowledge(path.resolve('knowledge'));
if ('errors' in knowledge) throw new Error(knowledge.errors.map((e) => e.message).join('\n'));
const loaded = await loadRules(path.resolve('rules'), new Set(knowledge.kb.departments.keys()));
if ('errors' in loaded) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
const shipped = loaded.rules;
const index = KnowledgeIndex.build(knowledge.kb);
const intentResults = (skipping ? [] : intentThresholds).map((intentThreshold) => {
  let right = 0;
  let labelled = 0;
  for (const fold of folds) {
    const out = new Set(fold.map((c) => c.text));
    const rules: Rules = { ...loaded.rules, examples: { ...examples, intentThreshold, examples: examples.examples.filter((e) => !out.has(e.text)) } };
    const engine = new AssistEngine(() => index, () => rules, new MemoryCallerHistory());
    for (const c of fold) {
      if (!c.intent) continue;
      labelled++;
      if (engine.analyze(c.text, { callerHash: null, atMs: Date.now() }).intent === c.intent) right++;
    }
  }
  const accuracy = right / labelled;
  console.log(`intent threshold ${intentThreshold.toFixed(2)}  accuracy ${accuracy.toFixed(3)} (${labelled} lines)${intentThreshold === examples.intentThreshold ? '  ← in rules/examples.yaml' : ''}`);
  return { intentThreshold, accuracy: Number(accuracy.toFixed(3)) };
});

// The veto: a flag a rule raised, dropped when the examples all but rule it out. Judged on
// the examples written for training, one section of rules/examples.yaml at a time (each
// `  # …` comment starts one), held out of the training: the rules were never tuned on
// those lines, so this is how the rules and the veto fare on words nobody tuned them on.
const vetoArg = process.argv.indexOf('--veto-floors');
const floors = vetoArg > 0 ? process.argv[vetoArg + 1]!.split(',').map(Number) : [0, 0.005, 0.01, 0.02];
const tuned = new Set(folds.flat().map((c) => c.text.trim()));
const sections: string[][] = [];
for (const line of (await readFile('rules/examples.yaml', 'utf8')).split('\n')) {
  if (/^  # /.test(line) && !/^  # [A-Za-z]/.test(line)) sections.push([]);
  const text = /^  - \{text: (".*?"), /.exec(line)?.[1];
  if (text && sections.length) sections.at(-1)!.push(JSON.parse(text) as string);
}
const written = sections.map((texts) => new Set(texts.filter((t) => !tuned.has(t.trim())))).filter((texts) => texts.size >= 50);
const vetoResults = (skipping ? [] : floors).map((below) => {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const held of written) {
    const rules: Rules = { ...loaded.rules, examples: { ...examples, veto: { ...examples.veto, below }, examples: examples.examples.filter((e) => !held.has(e.text)) } };
    const engine = new AssistEngine(() => index, () => rules, new MemoryCallerHistory());
    for (const e of examples.examples.filter((x) => held.has(x.text))) {
      const got = new Set(engine.analyze(e.text, { callerHash: null, atMs: Date.now() }).flags.map((f) => `${f.kind}.${f.category}`));
      for (const f of e.flags) got.has(f) ? tp++ : fn++;
      for (const f of got) if (!(e.flags as string[]).includes(f) && !(e.allow as string[]).includes(f)) fp++;
    }
  }
  const recall = tp / (tp + fn);
  const precision = tp / (tp + fp);
  console.log(`veto below ${below.toFixed(3)}  whole engine on ${written.length} written sections: recall ${recall.toFixed(3)}  precision ${precision.toFixed(3)}${below === examples.veto.below ? '  ← in rules/examples.yaml' : ''}`);
  return { below, recall: Number(recall.toFixed(3)), precision: Number(precision.toFixed(3)) };
});

// The department, routed by the whole engine (rules, scenarios, then what the dispatched
// examples teach) per setting of examples.yaml `department`, on the lines labelled with one:
// each tuning set left out as above, and each written section of examples labelled with
// departments left out of the training in turn. "none" trains on no department at all.
const departmentArg = process.argv.indexOf('--department-settings');
const departmentSettings: (ExampleRules['department'] | null)[] = [
  null,
  ...(departmentArg > 0 ? process.argv[departmentArg + 1]!.split(';') : ['0.2,0.3', '0.1,0.3', '0.3,0.3', '0.5,0.3', '0.2,0.05', '0.2,0.5']).map((pair) => {
    const [margin, threshold] = pair.split(',').map(Number);
    return { margin: margin!, threshold: threshold! };
  }),
];
const dispatchedSections = (sweepOnly ? [] : written)
  .map((texts) => examples.examples.filter((e) => texts.has(e.text) && e.department))
  .filter((held) => held.length >= 50)
  .map((held) => held.map((e) => ({ text: e.text, department: e.department! })));
const departmentResults = (sweepOnly ? [] : departmentSettings).map((department) => {
  const accuracy = (groups: readonly (readonly { text: string; department: string | null }[])[]) => {
    let right = 0;
    let labelled = 0;
    for (const group of groups) {
      const out = new Set(group.map((c) => c.text));
      const kept = examples.examples.filter((e) => !out.has(e.text)).map((e) => (department ? e : { ...e, department: undefined }));
      const rules: Rules = { ...shipped, examples: { ...examples, department: department ?? examples.department, examples: kept } };
      const engine = new AssistEngine(() => index, () => rules, new MemoryCallerHistory());
      for (const c of group) {
        if (!c.department) continue;
        labelled++;
        if (engine.analyze(c.text, { callerHash: null, atMs: Date.now() }).department === c.department) right++;
      }
    }
    return { accuracy: Number((right / labelled).toFixed(3)), lines: labelled };
  };
  const sets = accuracy(folds);
  const written = accuracy(dispatchedSections);
  const name = department ? `margin ${department.margin.toFixed(2)} threshold ${department.threshold.toFixed(2)}` : 'no learned department    ';
  const inFile = department && department.margin === examples.department.margin && department.threshold === examples.department.threshold;
  console.log(`department ${name}  tuning sets ${sets.accuracy.toFixed(3)} (${sets.lines} lines)  dispatch sections ${written.accuracy.toFixed(3)} (${written.lines} lines, ${dispatchedSections.length} sections)${inFile ? '  ← in rules/examples.yaml' : ''}`);
  return { department, sets, written };
});
if (departmentOnly) {
  console.log(JSON.stringify({ examples: examples.examples.length, department: { inFile: examples.department, results: departmentResults } }));
  process.exit(0);
}

// A threshold per flag: the whole engine on every held-out line (tuning sets and written
// sections), keeping each learned judgement down to 0.05, then for each flag the threshold
// that gives the most recall at a precision of 0.95 or better (the issue's target), or else the
// best balance of the two. Rule-raised
// flags count whatever the threshold.
const CANDIDATES = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85];
const heldOut: Case[][] = [
  ...folds,
  ...written.map((held) => examples.examples.filter((e) => held.has(e.text)).map((e) => ({ text: e.text, flags: [...e.flags], allow: [...e.allow], intent: e.intent ?? null, department: e.department ?? null }))),
];
// "Chat" yields to abuse: judged with every other flag at 0.05, a faint learned insult would
// hide it, so it is judged apart, the other flags at the file's thresholds.
const YIELDING = 'no_request.chat_only';
const inFile: ExampleRules = examples;
function judgeFold(fold: Case[]): [string, number][][] {
  const out = new Set(fold.map((c) => c.text));
  const kept = inFile.examples.filter((e) => !out.has(e.text));
  const engineAt = (threshold: number, thresholds: ExampleRules['thresholds']) =>
    new AssistEngine(() => index, () => ({ ...shipped, examples: { ...inFile, threshold, thresholds, examples: kept } }), new MemoryCallerHistory());
  const low = engineAt(0.05, {});
  const apart = engineAt(inFile.threshold, { ...inFile.thresholds, [YIELDING]: 0.05 });
  const flagsOf = (engine: AssistEngine, text: string) => engine.analyze(text, { callerHash: null, atMs: Date.now() }).flags.filter((f) => f.kind !== 'repeat');
  return fold.map((c) => {
    const got = new Map<string, number>();
    for (const f of flagsOf(low, c.text)) if (`${f.kind}.${f.category}` !== YIELDING) got.set(`${f.kind}.${f.category}`, f.learned ?? 1);
    for (const f of flagsOf(apart, c.text)) if (`${f.kind}.${f.category}` === YIELDING) got.set(YIELDING, f.learned ?? 1);
    return [...got];
  });
}
const judged: { c: Case; got: Map<string, number> }[] = [];
// Each fold trains a model of its own (~8 s): the folds are shared among processes, one per
// core (EVAL_SHARDS to choose), each a copy of this script judging every n-th fold.
const shards = Number(process.env.EVAL_SHARDS ?? Math.min(2, os.availableParallelism()));
const shard = process.env.EVAL_SHARD === undefined ? null : Number(process.env.EVAL_SHARD);
const mine = (i: number, of: number) => i % shards === of;
if (shard !== null) {
  const got = heldOut.flatMap((fold, i) => (mine(i, shard) ? [[i, judgeFold(fold)] as const] : []));
  await new Promise<void>((resolve) => process.send!(got, () => resolve()));
  process.exit(0);
} else {
  const children = Array.from({ length: shards - 1 }, (_, n) =>
    new Promise<(readonly [number, [string, number][][]])[]>((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), process.argv.slice(2), { env: { ...process.env, EVAL_SHARD: String(n + 1) } });
      child.once('message', (m) => resolve(m as (readonly [number, [string, number][][]])[]));
      child.once('exit', (code) => (code ? reject(new Error(`shard ${n + 1} exited with ${code}`)) : undefined));
    }),
  );
  const byFold = new Map<number, [string, number][][]>(heldOut.flatMap((fold, i) => (mine(i, 0) ? [[i, judgeFold(fold)] as const] : [])));
  for (const got of await Promise.all(children)) for (const [i, fold] of got) byFold.set(i, fold);
  heldOut.forEach((fold, i) => fold.forEach((c, j) => judged.push({ c, got: new Map(byFold.get(i)![j]) })));
}
const countAt = (flag: string, t: number) => {
  let tp = 0, fp = 0, fn = 0;
  for (const { c, got } of judged) {
    const p = got.get(flag);
    const raised = p !== undefined && p >= t;
    if (c.flags.includes(flag)) raised ? tp++ : fn++;
    else if (raised && !c.allow.includes(flag)) fp++;
  }
  return { tp, fp, fn };
};
const TARGET_PRECISION = 0.95;
const precisionOf = ({ tp, fp }: { tp: number; fp: number }) => (tp + fp ? tp / (tp + fp) : 1);
const balanced = (n: { tp: number; fp: number; fn: number }) => Math.min(precisionOf(n), n.tp / (n.tp + n.fn || 1));
const chosen: Record<string, number> = {};
const total = { global: { tp: 0, fp: 0, fn: 0 }, perFlag: { tp: 0, fp: 0, fn: 0 } };
for (const flag of [...new Set(examples.examples.flatMap((e) => e.flags))].sort()) {
  // The most recall that keeps the flag's precision at TARGET_PRECISION; failing that, the
  // threshold where the lower of recall and precision is highest (both targets are 0.95).
  const precise = CANDIDATES.filter((t) => precisionOf(countAt(flag, t)) >= TARGET_PRECISION);
  let best = precise[0] ?? CANDIDATES[0]!;
  if (precise.length) for (const t of precise) best = countAt(flag, t).tp > countAt(flag, best).tp ? t : best;
  else for (const t of CANDIDATES) if (balanced(countAt(flag, t)) >= balanced(countAt(flag, best))) best = t;
  chosen[flag] = best;
  for (const [k, t] of [['global', examples.threshold], ['perFlag', best]] as const) {
    const n = countAt(flag, t);
    total[k].tp += n.tp; total[k].fp += n.fp; total[k].fn += n.fn;
  }
  const n = countAt(flag, best);
  console.log(`  ${flag.padEnd(32)} best ${best.toFixed(2)}  recall ${(n.tp / (n.tp + n.fn)).toFixed(3)}  precision ${(n.tp / (n.tp + n.fp || 1)).toFixed(3)}${examples.thresholds[flag as LearnedFlag] === best ? '  ← in rules/examples.yaml' : ''}`);
}
const show = process.argv.indexOf('--show');
if (show > 0) for (const flag of process.argv[show + 1]!.split(',')) {
  console.log(`${flag}:`);
  for (const { c, got } of judged) {
    const p = got.get(flag);
    const raised = p !== undefined && p >= chosen[flag]!;
    if (raised !== c.flags.includes(flag) && !(raised && c.allow.includes(flag))) console.log(`  ${raised ? 'extra' : 'missed'} ${p === undefined ? '-' : p === 1 ? 'rule' : p.toFixed(2)}  ${c.text}`);
  }
}
for (const [k, n] of Object.entries(total)) console.log(`per-flag sweep, ${k === 'global' ? `one threshold ${examples.threshold}` : 'best per flag'}: whole engine on ${judged.length} held-out lines: recall ${(n.tp / (n.tp + n.fn)).toFixed(3)}  precision ${(n.tp / (n.tp + n.fp)).toFixed(3)}`);
console.log(`thresholds: {${Object.entries(chosen).map(([f, t]) => `${f}: ${t}`).join(', ')}}`);
console.log(JSON.stringify({ examples: examples.examples.length, folds: SETS, inFile: examples.threshold, results, intent: { inFile: examples.intentThreshold, results: intentResults }, department: { inFile: examples.department, results: departmentResults }, veto: { inFile: examples.veto.below, results: vetoResults }, perFlag: chosen }));
