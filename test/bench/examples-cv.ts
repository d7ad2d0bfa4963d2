import { readFile } from 'node:fs/promises';
import { parseYaml } from '../../server/knowledge/files.ts';
import type { KnowledgeError } from '../../server/knowledge/knowledge-base.ts';
import { ExampleModel } from '../../server/assist/rules/example-model.ts';
import { examplesFileSchema, type ExampleRules } from '../../server/assist/rules/schema.ts';

/**
 * `npm run eval:examples [-- --thresholds 0.5,0.6,0.7]`: how well what the detectors learn
 * from `rules/examples.yaml` carries to words it has not seen. Leave one set out: for each
 * tuning set of test/fixtures, train on every example except that set's lines and judge
 * them. Prints the model's own recall and precision (the rules are not counted) per
 * threshold; choose the file's threshold here, never on a held-out set. The last line is JSON.
 */
const SETS = ['flags-holdout', 'flags-tune2', 'calls-tune3', 'calls-tune4', 'calls-tune5', 'calls-tune7'];
const arg = process.argv.indexOf('--thresholds');
const thresholds = arg > 0 ? process.argv[arg + 1]!.split(',').map(Number) : [0.4, 0.5, 0.6, 0.7, 0.8];

interface Case {
  readonly text: string;
  readonly flags: readonly string[];
  readonly allow: readonly string[];
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
      .map((l) => JSON.parse(l) as { text: string; expect: { flags?: string[][]; allow?: string[][] } })
      .map((c) => ({ text: c.text, flags: learned(c.expect.flags), allow: learned(c.expect.allow) })),
  ),
);

const results = thresholds.map((threshold) => {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  for (const fold of folds) {
    const out = new Set(fold.map((c) => c.text));
    const source: ExampleRules = { threshold, examples: examples.examples.filter((e) => !out.has(e.text)) };
    const model = ExampleModel.train(source);
    for (const c of fold) {
      const got = new Set<string>(model.judge(c.text).map((j) => j.flag));
      for (const f of c.flags) got.has(f) ? tp++ : fn++;
      for (const f of got) if (!c.flags.includes(f) && !c.allow.includes(f)) fp++;
    }
  }
  const recall = tp / (tp + fn);
  const precision = tp + fp ? tp / (tp + fp) : 1;
  console.log(`threshold ${threshold.toFixed(2)}  recall ${recall.toFixed(3)}  precision ${precision.toFixed(3)}${threshold === examples.threshold ? '  ← in rules/examples.yaml' : ''}`);
  return { threshold, recall: Number(recall.toFixed(3)), precision: Number(precision.toFixed(3)) };
});
console.log(JSON.stringify({ examples: examples.examples.length, folds: SETS, inFile: examples.threshold, results }));
