import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { SCENARIOS_DIR, formatDomainFile, loadKnowledge, parseYaml } from './files.ts';
import { KnowledgeError, type KnowledgeBase } from './knowledge-base.ts';
import { ANSWER_POINTS, domainFileSchema, scenarioSchema, subScenarioSchema, type DomainFile, type Scenario, type SubScenario } from './schema.ts';

/**
 * Managers keep the knowledge base in spreadsheets and other systems; this converts it to and
 * from flat CSV rows and JSON. Imports go through the same schemas as the YAML files and merge
 * by id: a scenario or sub-scenario with a known id replaces it, a new one is added, nothing is
 * deleted (retire one with status `retired`). An import with any problem changes nothing.
 *
 * @example
 * ```ts
 * const result = await importKnowledge('knowledge', { file: '公积金.csv', text, format: 'csv' });
 * if ('errors' in result) for (const e of result.errors) console.error(e.message); // 公积金.csv: row 7, column phrasings: …
 * else console.log(result.summary); // { added: 2, replaced: 5, unchanged: 40, files: ['scenarios/gjj.yaml'] }
 * ```
 */
export const TRANSFER_FORMAT = 'hotline-desk/knowledge@1';
export const TRANSFER_FORMATS = ['csv', 'json'] as const;
export type TransferFormat = (typeof TRANSFER_FORMATS)[number];

/** One row per scenario and one per sub-scenario; a list cell holds one item per line. */
export const CSV_COLUMNS = ['id', 'parent', 'domain', 'title', 'department', 'intent', 'status', 'keywords', 'synonyms', 'phrasings', 'conditions', 'materials', 'channels', 'timeLimit', 'basis', 'notes', 'spoken'] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly Column[] = ['id', 'title', 'phrasings', 'spoken'];
/** A sub-scenario takes these from its scenario, so its row leaves them empty. */
const SCENARIO_ONLY_COLUMNS: readonly Column[] = ['domain', 'department', 'intent', 'synonyms'];

export interface ImportSource {
  /** The import file's name, used in every problem reported. */
  readonly file: string;
  readonly text: string;
  readonly format: TransferFormat;
}
export interface ImportSummary {
  /** Scenarios and sub-scenarios whose id was new. */
  readonly added: number;
  /** Scenarios and sub-scenarios that replaced a different one with the same id. */
  readonly replaced: number;
  /** Scenarios and sub-scenarios imported exactly as the knowledge base already has them. */
  readonly unchanged: number;
  /** Domain files written (or, on a dry run, that would be), relative to the knowledge folder. */
  readonly files: readonly string[];
}
export type ImportResult = { summary: ImportSummary } | { errors: KnowledgeError[] };

/** A problem in an imported CSV, worded the way a spreadsheet shows it: `kb.csv: row 7, column phrasings: …`. */
export class CsvCellError extends KnowledgeError {
  constructor(file: string, row: number, column: string | null, problem: string) {
    super(file, row, column, problem);
    this.message = `${file}: row ${row}${column ? `, column ${column}` : ''}: ${problem}`;
  }
}

/** `kb.csv` → csv; null when the extension names no format. */
export function formatOfFile(file: string): TransferFormat | null {
  const ext = path.extname(file).slice(1).toLowerCase();
  return TRANSFER_FORMATS.find((f) => f === ext) ?? null;
}

export function exportKnowledge(kb: KnowledgeBase, format: TransferFormat): string {
  return CODECS[format].write(kb);
}

/** Validates `source` against the knowledge folder `dir` and, unless `dryRun`, writes the merged domain files. */
export async function importKnowledge(dir: string, source: ImportSource, options: { dryRun?: boolean } = {}): Promise<ImportResult> {
  const loaded = await loadKnowledge(dir);
  if ('errors' in loaded) return loaded;
  const errors: KnowledgeError[] = [];
  // The valid rows are merged even when others are broken, so one run reports every problem.
  const imported = CODECS[source.format].read(source.file, source.text, new Set(loaded.kb.departments.keys()), errors);
  const plan = await merge(dir, loaded.kb, imported, errors);
  if (errors.length) return { errors };
  const changed = [...plan.targets.values()].filter((t) => !isDeepStrictEqual(t.data, t.original));
  if (!options.dryRun) {
    const raced = await writeAll(dir, changed);
    if (raced.length) return { errors: raced };
  }
  const { added, replaced, unchanged } = plan.counts;
  return { summary: { added, replaced, unchanged, files: changed.map((t) => t.file).sort() } };
}

/** What an import file holds, each entry able to name where it came from. */
interface Imported {
  readonly scenarios: { scenario: Scenario; domain: string; blame: Blame }[];
  /** CSV only: sub-scenario rows, attached to their parent when merging. */
  readonly subScenarios: { sub: SubScenario; parent: string; blame: Blame }[];
  /** Every scenario id the file names, valid or not: a broken parent is reported once, not again for each sub. */
  readonly named: Set<string>;
}
type Blame = (field: string | null, problem: string) => KnowledgeError;
const CODECS: Record<TransferFormat, { write(kb: KnowledgeBase): string; read(file: string, text: string, departments: ReadonlySet<string>, errors: KnowledgeError[]): Imported }> = {
  csv: { write: writeCsv, read: readCsv },
  json: { write: writeJson, read: readJson },
};

function writeJson(kb: KnowledgeBase): string {
  const domains = new Map<string, { domain: string; sample: boolean; file: string; scenarios: Scenario[] }>();
  for (const { domain, file, sample, ...scenario } of kb.scenarios) {
    const group = domains.get(file) ?? { domain, sample, file: path.basename(file, '.yaml'), scenarios: [] };
    group.scenarios.push(scenario);
    domains.set(file, group);
  }
  return `${JSON.stringify({ format: TRANSFER_FORMAT, domains: [...domains.values()] }, null, 2)}\n`;
}

function writeCsv(kb: KnowledgeBase): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const s of kb.scenarios) {
    const synonyms = Object.entries(s.synonyms).map(([word, alts]) => `${word}: ${alts.join('、')}`);
    rows.push(csvRow(s, { domain: s.domain, department: s.department, intent: s.intent, synonyms: synonyms.join('\n') }));
    for (const sub of s.subScenarios) rows.push(csvRow(sub, { parent: s.id }));
  }
  return stringify(rows, { bom: true });
}

function csvRow(s: Scenario | SubScenario, own: Partial<Record<Column, string>>): string[] {
  const cells: Partial<Record<Column, string>> = { id: s.id, title: s.title, status: s.status, keywords: lines(s.keywords), phrasings: lines(s.phrasings), spoken: s.spoken, ...own };
  for (const [point] of ANSWER_POINTS) cells[point] = lines(s.answer[point] ?? []);
  return CSV_COLUMNS.map((c) => cells[c] ?? '');
}

/** A line break inside one point would split it in two on the way back, and means nothing read aloud. */
const lines = (items: readonly string[]) => items.map((item) => item.replace(/\s*\n\s*/g, ' ')).join('\n');

function readCsv(file: string, text: string, departments: ReadonlySet<string>, errors: KnowledgeError[]): Imported {
  const at = (row: number): Blame => (column, problem) => new CsvCellError(file, row, column, problem);
  const imported: Imported = { scenarios: [], subScenarios: [], named: new Set() };
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const row = typeof error.records === 'number' ? error.records + 1 : null;
    errors.push(row ? at(row)(null, error.message) : new KnowledgeError(file, null, null, error.message));
    return imported;
  }
  const [header = [], ...body] = records;
  const names = header.map((h) => h.trim());
  const headerErrors = errors.length;
  names.forEach((name, i) => {
    if (!name) return; // spreadsheets save formatted but empty columns; a value under one is caught per row
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) errors.push(at(1)(name, `unknown column; the columns are ${CSV_COLUMNS.join(', ')}`));
    else if (names.indexOf(name) !== i) errors.push(at(1)(name, 'the column appears twice'));
  });
  for (const name of REQUIRED_COLUMNS) if (!names.includes(name)) errors.push(at(1)(name, 'the column is missing'));
  if (errors.length > headerErrors) return imported;

  const seen = new Map<string, number>();
  body.forEach((cells, i) => {
    const row = i + 2;
    const blame = at(row);
    if (cells.every((c) => !c.trim())) return; // a blank spreadsheet row
    const stray = cells.findIndex((c, j) => c.trim() && !names[j]);
    if (stray >= 0) errors.push(blame(null, `cell ${stray + 1} is under no column name`));
    const cell = (c: Column) => (cells[names.indexOf(c)] ?? '').trim();
    const list = (c: Column) => cell(c).split('\n').map((l) => l.trim()).filter(Boolean);
    const optional = <T>(c: Column, value: (text: string) => T) => (cell(c) ? value(cell(c)) : undefined);
    const answer = Object.fromEntries(ANSWER_POINTS.flatMap(([point]) => (cell(point) ? [[point, list(point)]] : [])));
    const common = { id: cell('id'), title: cell('title'), keywords: list('keywords'), phrasings: list('phrasings'), answer, spoken: cell('spoken'), status: optional('status', (s) => s) };
    const problems: KnowledgeError[] = [];
    const other = seen.get(common.id);
    if (other) problems.push(blame('id', `the id is already used in row ${other}`));
    else if (common.id) seen.set(common.id, row);

    const parent = cell('parent');
    if (parent) {
      for (const c of SCENARIO_ONLY_COLUMNS) if (cell(c)) problems.push(blame(c, 'leave it empty on a sub-scenario row: the sub-scenario takes it from its scenario'));
      if (common.id && !common.id.startsWith(`${parent}.`)) problems.push(blame('id', `a sub-scenario id starts with its parent's id, "${parent}."`));
      const sub = subScenarioSchema.safeParse(withoutUndefined(common));
      if (sub.success) imported.subScenarios.push({ sub: sub.data, parent, blame });
      else problems.push(...sub.error.issues.map((issue) => blame(...cellOf(issue))));
    } else {
      imported.named.add(common.id);
      const domain = cell('domain');
      if (!domain) problems.push(blame('domain', 'must not be empty'));
      const synonyms = optional('synonyms', (s) => readSynonyms(s, (problem) => problems.push(blame('synonyms', problem))));
      const input = { ...common, department: cell('department'), intent: optional('intent', (s) => s), synonyms };
      const scenario = scenarioSchema(departments).safeParse(withoutUndefined(input));
      if (scenario.success) imported.scenarios.push({ scenario: scenario.data, domain, blame });
      else problems.push(...scenario.error.issues.map((issue) => blame(...cellOf(issue))));
    }
    errors.push(...problems);
  });
  return imported;
}

/** `租房: 租房子、租的房子` per line; a full-width colon or comma is read as its ASCII twin. */
function readSynonyms(text: string, problem: (text: string) => void): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const match = /^([^:：]+)[:：](.*)$/.exec(line);
    const alts = match?.[2]?.split(/[、,，]/).map((a) => a.trim()).filter(Boolean) ?? [];
    if (!match?.[1]?.trim() || !alts.length) problem(`line ${i + 1} is not "word: alt1、alt2"`);
    else out[match[1].trim()] = alts;
  });
  return out;
}

/** The column and problem of a schema issue on a row: `answer.conditions[2]` is column conditions, item 3. */
function cellOf(issue: z.core.$ZodIssue): [string, string] {
  const [head, ...rest] = issue.path;
  const column = head === 'answer' ? String(rest.shift() ?? 'conditions') : String(head ?? 'id');
  const where = rest.map((p) => (typeof p === 'number' ? `item ${p + 1}` : `"${String(p)}"`)).join(' ');
  return [column, where ? `${where}: ${issue.message}` : issue.message];
}

const withoutUndefined = (value: object) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

const jsonFileSchema = z.strictObject({
  format: z.literal(TRANSFER_FORMAT),
  domains: z.array(
    z.strictObject({
      domain: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
      /** Ignored on import, as `file` is: a known id stays in its file, a new one goes to its id prefix's file. */
      sample: z.boolean().optional(),
      file: z.string().optional(),
      scenarios: z.array(z.unknown()),
    }),
  ),
});

function readJson(file: string, text: string, departments: ReadonlySet<string>, errors: KnowledgeError[]): Imported {
  const imported: Imported = { scenarios: [], subScenarios: [], named: new Set() };
  let root: unknown;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    errors.push(new KnowledgeError(file, null, null, `not JSON: ${(error as Error).message}`));
    return imported;
  }
  const at = (field: string): Blame => (column, problem) => new KnowledgeError(file, null, column ? `${field} › ${column}` : field, problem);
  const envelope = jsonFileSchema.safeParse(root);
  if (!envelope.success) {
    errors.push(...envelope.error.issues.map((issue) => new KnowledgeError(file, null, jsonPath(issue.path) || '(root)', issue.message)));
    return imported;
  }
  const seen = new Map<string, string>();
  const schema = scenarioSchema(departments);
  envelope.data.domains.forEach(({ domain, scenarios }, d) =>
    scenarios.forEach((value, i) => {
      const id = (value as { id?: unknown } | null)?.id;
      const field = `domains[${d}].scenarios[${i}]${typeof id === 'string' ? ` (${id})` : ''}`;
      const parsed = schema.safeParse(value);
      if (!parsed.success) return errors.push(...parsed.error.issues.map((issue) => at(field)(jsonPath(issue.path), issue.message)));
      for (const each of [parsed.data.id, ...parsed.data.subScenarios.map((sub) => sub.id)]) {
        const other = seen.get(each);
        if (other) errors.push(at(field)('id', `"${each}" is already used in ${other}`));
        seen.set(each, field);
      }
      imported.scenarios.push({ scenario: parsed.data, domain, blame: at(field) });
    }),
  );
  return imported;
}

const jsonPath = (at: readonly PropertyKey[]) => at.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

/** A domain file the import touches: as it was on disk (`before`, null when new) and as it will be. */
interface Target {
  readonly file: string;
  readonly before: string | null;
  readonly original: DomainFile | null;
  readonly data: DomainFile;
}

async function merge(dir: string, kb: KnowledgeBase, imported: Imported, errors: KnowledgeError[]) {
  const departments = new Set(kb.departments.keys());
  const fileOf = new Map(kb.scenarios.map((s) => [s.id, s.file]));
  const targets = new Map<string, Target>();
  const counts = { added: 0, replaced: 0, unchanged: 0 };
  const count: Count = (old, now) => counts[!old ? 'added' : isDeepStrictEqual(old, now) ? 'unchanged' : 'replaced']++;

  /** Reads a domain file once, from disk rather than `kb`, so the write can tell if someone changed it since. */
  const open = async (file: string, domain: string): Promise<Target | null> => {
    const known = targets.get(file);
    if (known) return known;
    const before = await readFile(path.join(dir, file), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    const original = before === null ? null : parseYaml(file, before, domainFileSchema(departments), errors);
    if (before !== null && !original) return null;
    const target = { file, before, original, data: original ? structuredClone(original) : { domain, sample: false, scenarios: [] } };
    targets.set(file, target);
    return target;
  };

  for (const { scenario, domain, blame } of imported.scenarios) {
    const file = fileOf.get(scenario.id) ?? `${SCENARIOS_DIR}/${scenario.id.split('.')[0]}.yaml`;
    const target = await open(file, domain);
    if (!target) continue;
    if (target.data.domain !== domain) {
      errors.push(blame('domain', `${file}, where this id belongs, holds the domain "${target.data.domain}"; an import cannot move a scenario to another domain`));
      continue;
    }
    const i = target.data.scenarios.findIndex((s) => s.id === scenario.id);
    const old = target.data.scenarios[i];
    count(old && { ...old, subScenarios: [] }, { ...scenario, subScenarios: [] });
    const merged = { ...scenario, subScenarios: mergeById(old?.subScenarios ?? [], scenario.subScenarios, count) };
    if (old) target.data.scenarios[i] = merged;
    else target.data.scenarios.push(merged);
    fileOf.set(scenario.id, file);
  }
  for (const { sub, parent, blame } of imported.subScenarios) {
    const file = fileOf.get(parent);
    const target = file ? await open(file, '') : null;
    const scenario = target?.data.scenarios.find((s) => s.id === parent);
    if (!scenario) {
      if (!imported.named.has(parent) && (!file || target)) errors.push(blame('parent', `no scenario "${parent}" in this import or in the knowledge base`));
      continue;
    }
    scenario.subScenarios = mergeById(scenario.subScenarios, [sub], count);
  }
  return { targets, counts };
}

/** Tallies one imported scenario or sub-scenario against the one it replaces, if any. */
type Count = (old: object | undefined, now: object) => void;

function mergeById<T extends { id: string }>(base: readonly T[], incoming: readonly T[], count: Count): T[] {
  const out = [...base];
  for (const item of incoming) {
    const i = out.findIndex((o) => o.id === item.id);
    count(out[i], item);
    if (i >= 0) out[i] = item;
    else out.push(item);
  }
  return out;
}

/**
 * Writes every file to a temp file beside it first, then renames them into place, so a reader
 * never sees half a file. A file someone changed since it was read is not overwritten: the
 * import is refused and nothing is renamed.
 */
async function writeAll(dir: string, targets: readonly Target[]): Promise<KnowledgeError[]> {
  const temps: string[] = [];
  try {
    for (const t of targets) {
      const temp = path.join(dir, path.dirname(t.file), `.${path.basename(t.file)}.${randomUUID()}.tmp`);
      temps.push(temp);
      await writeFile(temp, formatDomainFile(withoutDefaults(t.data)), { flag: 'wx' });
    }
    const raced: KnowledgeError[] = [];
    for (const t of targets) {
      const now = await readFile(path.join(dir, t.file), 'utf8').catch(() => null);
      if (now !== t.before) raced.push(new KnowledgeError(t.file, null, null, 'changed on disk during the import; nothing was written, run the import again'));
    }
    if (raced.length) return raced;
    for (const [i, t] of targets.entries()) await rename(temps[i]!, path.join(dir, t.file));
    return [];
  } finally {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
  }
}

/** Leaves out what the schema fills in anyway, so a rewritten file keeps the shape people write by hand. */
function withoutDefaults(file: DomainFile): DomainFile {
  const isDefault = (key: string, value: unknown) =>
    (key === 'status' && value === 'active') ||
    ((key === 'subScenarios' || key === 'keywords') && Array.isArray(value) && !value.length) ||
    (key === 'synonyms' && typeof value === 'object' && value !== null && !Object.keys(value).length);
  const strip = (value: object) => Object.fromEntries(Object.entries(value).filter(([key, v]) => !isDefault(key, v)));
  const scenarios = file.scenarios.map((s) => ({ ...strip(s), ...(s.subScenarios.length ? { subScenarios: s.subScenarios.map(strip) } : {}) }));
  // formatDomainFile only stringifies; every field left out loads back as the default it was.
  return { ...file, scenarios } as unknown as DomainFile;
}
