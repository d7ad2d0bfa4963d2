import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, stringify } from 'yaml';
import type { z } from 'zod';
import { calibrationSchema, type Calibration } from '../assist/confidence.ts';
import { KnowledgeError, type Department, type KbScenario, type KnowledgeBase } from './knowledge-base.ts';
import { domainFileSchema, synonymsFileSchema, type DomainFile } from './schema.ts';

/**
 * The knowledge folder on disk:
 *   departments.tsv       the responsibility list (id, name, duty)
 *   synonyms.yaml         city-wide synonym groups
 *   stopwords.txt         fillers and question frames retrieval ignores (optional)
 *   off-topic.txt         sentences no scenario answers, for calibration (optional)
 *   calibration.json      the fitted score coefficients (optional; `npm run kb -- calibrate`)
 *   scenarios/*.yaml      one file per domain
 * Loading validates everything and reports every problem with its file, line and field.
 */
export const SCENARIOS_DIR = 'scenarios';
export const CALIBRATION_FILE = 'calibration.json';

export type LoadResult = { kb: KnowledgeBase } | { errors: KnowledgeError[] };

export async function loadKnowledge(dir: string): Promise<LoadResult> {
  const errors: KnowledgeError[] = [];
  const departments = await readDepartments(dir, errors);
  const synonyms = await readYaml(dir, 'synonyms.yaml', synonymsFileSchema, errors);
  const ids = new Set(departments.keys());
  const scenarios: KbScenario[] = [];
  const seen = new Map<string, string>();
  const files = (await readdir(path.join(dir, SCENARIOS_DIR)).catch(() => [] as string[])).filter((f) => f.endsWith('.yaml')).sort();
  for (const name of files) {
    const file = `${SCENARIOS_DIR}/${name}`;
    const domain = await readYaml(dir, file, domainFileSchema(ids), errors);
    if (!domain) continue;
    for (const s of domain.scenarios) {
      for (const id of [s.id, ...s.subScenarios.map((sub) => sub.id)]) {
        const other = seen.get(id);
        if (other) errors.push(new KnowledgeError(file, null, id, `the id is already used in ${other}`));
        seen.set(id, file);
      }
      scenarios.push({ ...s, domain: domain.domain, file, sample: domain.sample });
    }
  }
  if (!files.length) errors.push(new KnowledgeError(SCENARIOS_DIR, null, null, 'no *.yaml scenario files'));
  const calibration = await readCalibration(dir, errors);
  if (errors.length) return { errors };
  return {
    kb: {
      scenarios,
      synonyms: synonyms?.groups ?? [],
      departments,
      stopwords: new Set(await readLines(dir, 'stopwords.txt')),
      offTopic: await readLines(dir, 'off-topic.txt'),
      ...(calibration ? { calibration } : {}),
    },
  };
}

/** A list file: one entry per line, `#` comments and blank lines skipped; an absent file is empty. */
async function readLines(dir: string, file: string): Promise<string[]> {
  const text = await readFile(path.join(dir, file), 'utf8').catch(() => '');
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

async function readCalibration(dir: string, errors: KnowledgeError[]): Promise<Calibration | null> {
  const text = await readFile(path.join(dir, CALIBRATION_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const parsed = calibrationSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) errors.push(new KnowledgeError(CALIBRATION_FILE, null, issue.path.join('.') || '(root)', issue.message));
  } catch (error) {
    errors.push(new KnowledgeError(CALIBRATION_FILE, null, null, `not valid JSON: ${(error as Error).message}`));
  }
  return null;
}

async function readDepartments(dir: string, errors: KnowledgeError[]): Promise<Map<string, Department>> {
  const departments = new Map<string, Department>();
  let text: string;
  try {
    text = await readFile(path.join(dir, 'departments.tsv'), 'utf8');
  } catch (error) {
    errors.push(new KnowledgeError('departments.tsv', null, null, `cannot read: ${(error as NodeJS.ErrnoException).code ?? error}`));
    return departments;
  }
  text.split('\n').forEach((line, i) => {
    if (i === 0 || !line.trim()) return; // header
    const [id, name, duty] = line.split('\t').map((c) => c.trim());
    if (!id || !name || !/^[a-z][a-z0-9_]*$/.test(id)) errors.push(new KnowledgeError('departments.tsv', i + 1, null, 'expected "id<TAB>name<TAB>duty" with a lower-case id'));
    else departments.set(id, { id, name, duty: duty ?? '' });
  });
  return departments;
}

/** Parses and validates one YAML file; problems go to `errors` with the line of the offending node. */
export async function readYaml<S extends z.ZodType>(dir: string, file: string, schema: S, errors: KnowledgeError[]): Promise<z.output<S> | null> {
  let source: string;
  try {
    source = await readFile(path.join(dir, file), 'utf8');
  } catch (error) {
    errors.push(new KnowledgeError(file, null, null, `cannot read: ${(error as NodeJS.ErrnoException).code ?? error}`));
    return null;
  }
  return parseYaml(file, source, schema, errors);
}

/**
 * What a YAML text reads as, kept by its content. Parsing is most of the cost of loading a large
 * file; validation runs again on every load, so a kept reading can never let a bad file in.
 */
export interface YamlReadings {
  get(source: string): unknown;
  keep(source: string, data: unknown): void;
}

export function parseYaml<S extends z.ZodType>(file: string, source: string, schema: S, errors: KnowledgeError[], readings?: YamlReadings): z.output<S> | null {
  const kept = readings?.get(source);
  if (kept !== undefined) {
    const parsed = schema.safeParse(kept);
    if (parsed.success) return parsed.data;
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const at = e.linePos?.[0];
      errors.push(new KnowledgeError(file, at?.line ?? null, null, e.message.split('\n')[0]!, at ? { column: at.col } : {}));
    }
    return null;
  }
  const data: unknown = doc.toJS();
  readings?.keep(source, data);
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const fieldPath = issue.path as (string | number)[];
    const at = nearestNode(doc, fieldPath);
    const pos = at ? lines.linePos(at) : null; // the root (offset 0) names no line
    errors.push(new KnowledgeError(file, pos?.line ?? null, fieldName(doc.toJS(), fieldPath), issue.message, { path: fieldPath, ...(pos ? { column: pos.col } : {}) }));
  }
  return null;
}

/** The offset of the deepest YAML node on the path that exists (a missing field points at its parent). */
function nearestNode(doc: ReturnType<typeof parseDocument>, at: (string | number)[]): number | null {
  for (let n = at.length; n >= 0; n--) {
    const node = doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return node.range[0];
  }
  return null;
}

/** `scenarios[3] (gjj.loan) › phrasings` — the scenario id makes a long file easy to search. */
function fieldName(root: unknown, at: (string | number)[]): string {
  let out = '';
  let value: unknown = root;
  for (const part of at) {
    value = (value as Record<string | number, unknown> | undefined)?.[part];
    if (typeof part === 'number') {
      const id = (value as { id?: unknown } | undefined)?.id;
      out += `[${part}]${typeof id === 'string' ? ` (${id})` : ''}`;
    } else out += `${out ? ' › ' : ''}${part}`;
  }
  return out || '(root)';
}

const SAMPLE_BANNER = '# 样例政策：虚构城市“示例市”的政策，仅供演示与测试，不是任何真实城市的规定；真实热线请导入本地知识库。\n# Sample policy for a fictional city. A real hotline imports its own knowledge base.\n';

/** Writes a domain file the way people write them: YAML, block style, sample banner when it is sample policy. */
export function formatDomainFile(file: DomainFile): string {
  const body = stringify(file, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
  return (file.sample ? SAMPLE_BANNER : '') + body;
}
