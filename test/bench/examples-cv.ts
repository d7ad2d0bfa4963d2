import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryCallerHistory } from '../../server/assist/caller-history.ts';
import { AssistEngine } from '../../server/assist/engine.ts';
import { KnowledgeIndex } from '../../server/assist/knowledge-index.ts';
import { loadRules, type Rules } from '../../server/assist/rules/library.ts';
import { loadKnowledge } from '../../server/knowledge/files.ts';
import { parseYaml } from '../../server/knowledge/files.ts';
import type { KnowledgeError } from '../../server/knowledge/knowledge-base.ts';
import { ExampleModel } from '../../server/assist/rules/example-model.ts';
import { examplesFileSchema, type ExampleRules } from '../../server/assist/rules/schema.ts';

/**
 * `npm run eval:examples [-- --thresholds 0.5,0.6,0.7]`: how well what the detectors learn
 * from `rules/examples.yaml` carries to words it has not seen. Leave one set out: for each
 * tuning set of test/fixtures, train on every example except that set's lines and judge
 * them. Prints the model's own recall and precision (the rules are not counted) per
 * threshold, then the whole engine's intent accuracy per intent threshold; choose the
 * file's thresholds here, never on a held-out set. The last line is JSON.
 */
const SETS = ['flags-holdout', 'flags-tune2', 'calls-tune3', 'calls-tune4', 'calls-tune5', 'calls-tune7', 'calls-tune8'];
const arg = process.argv.indexOf('--thresholds');
const thresholds = arg > 0 ? process.argv[arg + 1]!.split(',').map(Number) : [0.4, 0.5, 0.6, 0.7, 0.8];

interface Case {
  readonly text: string;
  readonly flags: readonly string[];
  readonly allow: readonly string[];
  readonly intent: string | null;
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
      .map((l) => JSON.parse(l) as { text: string; expect: { flags?: string[][]; allow?: string[][]; intent?: string } })
      .map((c) => ({ text: c.text, flags: learned(c.expect.flags), allow: learned(c.expect.allow), intent: c.expect.intent && c.expect.intent !== '*' ? c.expect.intent : null })),
  ),
);

const results = thresholds.map((threshold) => {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  const per = new Map<string, { tp: number; fn: number; fp: number }>();
  const of = (f: string) => per.get(f) ?? (per.set(f, { tp: 0, fn: 0, fp: 0 }), per.get(f)!);
  for (const fold of folds) {
    const out = new Set(fold.map((c) => c.text));
    const source: ExampleRules = { ...examples, threshold, examples: examples.examples.filter((e) => !out.has(e.text)) };
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
const index = KnowledgeIndex.build(knowledge.kb);
const intentResults = intentThresholds.map((intentThreshold) => {
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
const vetoResults = floors.map((below) => {
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
console.log(JSON.stringify({ examples: examples.examples.length, folds: SETS, inFile: examples.threshold, results, intent: { inFile: examples.intentThreshold, results: intentResults }, veto: { inFile: examples.veto.below, results: vetoResults } }));
