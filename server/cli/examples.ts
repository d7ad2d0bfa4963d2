import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decidedExamples, exampleLine } from '../assist/rules/decided-examples.ts';
import { silentLogger } from '../log.ts';
import { LowdbCallStore } from '../store/lowdb-store.ts';

/**
 * `npm run examples -- harvest [--data DIR] [--since YYYY-MM-DD] [--rules DIR] [--out FILE]`:
 * the flags operators confirmed or dismissed on stored calls, as lines for
 * `rules/examples.yaml` (confirmed: an example; dismissed: a counter-example), and each
 * wrapped-up call's words with the intent and department it was dispatched to. A manager
 * reviews them and adds them under `examples:`; the detectors learn them at the next load.
 * Exit 0, 2 on bad arguments.
 */
const USAGE = `usage: npm run examples -- harvest [--data DIR] [--since YYYY-MM-DD] [--rules DIR] [--out FILE]
DIR defaults to DATA_DIR or ./data, --since to 30 days ago, --rules to rules; lines go to stdout unless --out is given.`;
const DAY_MS = 86_400_000;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { data: { type: 'string' }, since: { type: 'string' }, rules: { type: 'string', default: 'rules' }, out: { type: 'string' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.positionals[0] !== 'harvest' || args.positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const sinceMs = args.values.since ? Date.parse(args.values.since) : Date.now() - 30 * DAY_MS;
  if (Number.isNaN(sinceMs)) {
    console.error(`--since: not a date: ${args.values.since}\n${USAGE}`);
    return 2;
  }
  const dataDir = path.resolve(args.values.data ?? process.env['DATA_DIR'] ?? 'data');
  const store = new LowdbCallStore(dataDir, silentLogger);
  const calls = await store.load(sinceMs);
  await store.close();
  const file = await readFile(path.join(args.values.rules, 'examples.yaml'), 'utf8').catch(() => '');
  const existing = new Set([...file.matchAll(/^\s*- \{text: (".*?"), /gm)].map((m) => JSON.parse(m[1]!) as string));
  const found = decidedExamples(calls, existing);
  const since = new Date(sinceMs).toISOString().slice(0, 10);
  const text = [
    `  # 坐席对提示的判断和结单派往的部门（${since} 起，${calls.length} 通来电）：确认的是样例，否决的是反例。审核后放进 examples: 下。`,
    `  # Operators' decisions and wrap-ups since ${since} (${calls.length} calls): confirmed flags are examples, dismissed ones counter-examples, with the department each call went to. Review, then add under examples:.`,
    ...found.map(exampleLine),
  ].join('\n');
  if (args.values.out) await writeFile(args.values.out, `${text}\n`);
  else process.stdout.write(`${text}\n`);
  console.error(`${found.length} example(s) from ${calls.length} call(s) in ${dataDir}`);
  return 0;
}

process.exitCode = await main();
