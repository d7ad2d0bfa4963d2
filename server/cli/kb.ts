import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { calibrate } from '../assist/calibrate.ts';
import { CALIBRATION_FILE, loadKnowledge } from '../knowledge/files.ts';
import type { KnowledgeError } from '../knowledge/knowledge-base.ts';
import { TRANSFER_FORMATS, exportKnowledge, formatOfFile, importKnowledge, type TransferFormat } from '../knowledge/transfer.ts';

/**
 * The knowledge folder from the command line:
 *   check    validates it and prints every problem with its file, line and field
 *   import   merges a CSV or JSON file into it (every problem reported, nothing written if any)
 *   export   writes it out as CSV (for spreadsheets) or JSON
 *   calibrate  fits the suggestion score to held-out phrasings and off-topic sentences
 * Exit 0 on success, 1 when the knowledge or the import has problems, 2 on bad arguments.
 */
const USAGE = `usage:
  npm run kb -- check [--dir DIR]
  npm run kb -- import FILE [--format csv|json] [--dir DIR] [--dry-run]
  npm run kb -- export [--format csv|json] [--out FILE] [--dir DIR]
  npm run kb -- calibrate [--dir DIR] [--dry-run]
DIR defaults to knowledge. import reads the format from FILE's extension unless --format is given;
export writes CSV unless --format or the extension of --out says json, to stdout unless --out is given.`;

const OPTIONS = {
  dir: { type: 'string', default: 'knowledge' },
  format: { type: 'string' },
  out: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;
type Args = ReturnType<typeof parseArgs<{ allowPositionals: true; options: typeof OPTIONS }>>;
type Option = keyof typeof OPTIONS;

class UsageError extends Error {}

const COMMANDS: Record<string, { options: readonly Option[]; run(args: Args, dir: string): Promise<number> }> = {
  check: { options: ['dir'], run: (args, dir) => check(args, dir) },
  import: { options: ['dir', 'format', 'dry-run'], run: (args, dir) => importFile(args, dir) },
  export: { options: ['dir', 'format', 'out'], run: (args, dir) => exportFile(args, dir) },
  calibrate: { options: ['dir', 'dry-run'], run: (args, dir) => calibrateScores(args, dir) },
};

async function main(): Promise<number> {
  try {
    const args = parseArgs({ allowPositionals: true, options: OPTIONS });
    const name = args.positionals[0] ?? '';
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(name ? `unknown command "${name}"` : 'no command');
    const stray = (Object.keys(args.values) as Option[]).find((o) => !command.options.includes(o));
    if (stray) throw new UsageError(`--${stray} does not apply to ${name}`);
    return await command.run(args, path.resolve(args.values.dir));
  } catch (error) {
    if (!isUsageError(error)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
}

/** Ours, or one of parseArgs' (an unknown option, a missing value). */
const isUsageError = (error: unknown): error is Error =>
  error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));

async function check(args: Args, dir: string): Promise<number> {
  noMorePositionals(args, 1);
  const result = await loadKnowledge(dir);
  if ('errors' in result) return problems(result.errors, `in ${dir}`);
  const subs = result.kb.scenarios.reduce((n, s) => n + s.subScenarios.length, 0);
  console.log(`ok: ${result.kb.scenarios.length} scenarios, ${subs} sub-scenarios, ${result.kb.synonyms.length} synonym groups`);
  return 0;
}

async function importFile(args: Args, dir: string): Promise<number> {
  const file = args.positionals[1];
  if (!file) throw new UsageError('import needs the FILE to import');
  noMorePositionals(args, 2);
  const format = formatOption(args.values.format) ?? formatOfFile(file);
  if (!format) throw new UsageError(`cannot tell the format of ${file} from its extension; give --format csv or --format json`);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const dryRun = args.values['dry-run'] ?? false;
  const result = await importKnowledge(dir, { file: path.basename(file), text, format }, { dryRun });
  if ('errors' in result) return problems(result.errors, `importing ${file}; nothing was changed`);
  const { added, replaced, unchanged, files } = result.summary;
  const wrote = files.length ? `${dryRun ? 'would write' : 'wrote'} ${files.join(', ')}` : 'no file changes';
  console.log(`${dryRun ? 'dry run: ' : ''}${added} added, ${replaced} replaced, ${unchanged} unchanged; ${wrote}`);
  return 0;
}

async function exportFile(args: Args, dir: string): Promise<number> {
  noMorePositionals(args, 1);
  const out = args.values.out;
  const format = formatOption(args.values.format) ?? (out ? formatOfFile(out) : null) ?? 'csv';
  const result = await loadKnowledge(dir);
  if ('errors' in result) return problems(result.errors, `in ${dir}; fix them before exporting`);
  const text = exportKnowledge(result.kb, format);
  if (out) await writeFile(out, text);
  else process.stdout.write(text);
  return 0;
}

async function calibrateScores(args: Args, dir: string): Promise<number> {
  noMorePositionals(args, 1);
  const result = await loadKnowledge(dir);
  if ('errors' in result) return problems(result.errors, `in ${dir}; fix them before calibrating`);
  const report = calibrate(result.kb);
  console.log(JSON.stringify(report, null, 2));
  if (!args.values['dry-run']) {
    await writeFile(path.join(dir, CALIBRATION_FILE), `${JSON.stringify(report.calibration, null, 2)}\n`);
    console.log(`wrote ${path.join(dir, CALIBRATION_FILE)}`);
  }
  return 0;
}

function formatOption(value: string | undefined): TransferFormat | null {
  if (value === undefined) return null;
  const format = TRANSFER_FORMATS.find((f) => f === value);
  if (!format) throw new UsageError(`--format is ${TRANSFER_FORMATS.join(' or ')}, not "${value}"`);
  return format;
}

function noMorePositionals(args: Args, expected: number): void {
  const extra = args.positionals[expected];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
}

function problems(errors: readonly KnowledgeError[], context: string): number {
  for (const e of errors) console.error(e.message);
  console.error(`${errors.length} problem(s) ${context}`);
  return 1;
}

process.exitCode = await main();
