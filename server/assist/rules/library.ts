import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { parseYaml } from '../../knowledge/files.ts';
import { KnowledgeError } from '../../knowledge/knowledge-base.ts';
import { exampleReadings } from './example-readings.ts';
import {
  abuseFileSchema,
  examplesFileSchema,
  intentFileSchema,
  noRequestFileSchema,
  repeatFileSchema,
  routingFileSchema,
  unreasonableFileSchema,
  urgentFileSchema,
  type AbuseRules,
  type ExampleRules,
  type IntentRules,
  type NoRequestRules,
  type RepeatRules,
  type RoutingRules,
  type UnreasonableRules,
  type UrgentRules,
} from './schema.ts';
import { watchFolder } from '../../watch-folder.ts';
import { compile } from './compiled.ts';

/**
 * The rules in `rules/`, validated as one set: a version in which any file is bad is
 * refused whole, with every problem's file and line named, and the last good set stays
 * in force (detectors read `current` on every utterance, so a good edit applies at once).
 *
 * @example
 *   const rules = new RuleLibrary('rules', departments, log);
 *   await rules.load();   // throws if the rules have no good version
 *   rules.watch();
 */
export interface Rules {
  readonly abuse: AbuseRules;
  readonly unreasonable: UnreasonableRules;
  readonly urgent: UrgentRules;
  readonly noRequest: NoRequestRules;
  readonly intent: IntentRules;
  readonly routing: RoutingRules;
  readonly repeat: RepeatRules;
  readonly examples: ExampleRules;
}

const FILES = {
  abuse: ['abuse.yaml', abuseFileSchema],
  unreasonable: ['unreasonable.yaml', unreasonableFileSchema],
  urgent: ['urgent.yaml', urgentFileSchema],
  noRequest: ['no-request.yaml', noRequestFileSchema],
  intent: ['intent.yaml', intentFileSchema],
  routing: ['routing.yaml', routingFileSchema],
  repeat: ['repeat.yaml', repeatFileSchema],
  examples: ['examples.yaml', examplesFileSchema],
} as const satisfies Record<keyof Rules, readonly [string, z.ZodType]>;

/** The rule files, by name, in the order they load. */
export const RULE_FILES: readonly string[] = Object.values(FILES).map(([file]) => file);

export type RulesLoad = { rules: Rules } | { errors: KnowledgeError[] };

/**
 * Reads and validates the rules folder; department ids must be in `departments`.
 * `replacing` gives some files' text instead of the disk's: a proposed edit is judged
 * with the rest of the set before anything is written.
 */
export async function loadRules(dir: string, departments: ReadonlySet<string>, replacing: Readonly<Record<string, string>> = {}): Promise<RulesLoad> {
  const errors: KnowledgeError[] = [];
  const loaded: Partial<Record<keyof Rules, unknown>> = {};
  for (const [key, [file, schema]] of Object.entries(FILES) as [keyof Rules, readonly [string, z.ZodType]][]) {
    const source = replacing[file] ?? (await readFile(path.join(dir, file), 'utf8').catch(() => null));
    if (source === null) {
      errors.push(new KnowledgeError(file, null, null, 'missing or unreadable'));
      continue;
    }
    loaded[key] = parseYaml(file, source, schema, errors, key === 'examples' ? exampleReadings : undefined);
  }
  const rules = loaded as Rules;
  if (!errors.length) {
    const unknown = (file: string, field: string, id: string | null) => {
      if (id !== null && !departments.has(id)) errors.push(new KnowledgeError(file, null, field, `"${id}" is not a department id of knowledge/departments.tsv`));
    };
    for (const [name, c] of Object.entries(rules.unreasonable.categories)) unknown('unreasonable.yaml', `categories.${name}.referral`, c.referral);
    for (const [name, c] of Object.entries(rules.urgent.categories)) unknown('urgent.yaml', `categories.${name}.department`, c.department);
    rules.routing.rules.forEach((r, i) => unknown('routing.yaml', `rules[${i}].department`, r.department));
    rules.examples.examples.forEach((e, i) => unknown('examples.yaml', `examples[${i}].department`, e.department ?? null));
  }
  return errors.length ? { errors } : { rules };
}

export class RuleLibrary {
  private rules: Rules | null = null;
  private stopWatching: (() => void) | null = null;
  private version = 0;
  private reloads: Promise<unknown> = Promise.resolve();
  private fingerprint = '';

  constructor(
    readonly dir: string,
    private readonly departments: () => ReadonlySet<string>,
    private readonly log: Logger,
  ) {}

  get current(): Rules {
    if (!this.rules) throw new Error('RuleLibrary: load() first');
    return this.rules;
  }

  get loadedVersion(): number {
    return this.version;
  }

  async load(): Promise<void> {
    const errors = await this.reload();
    if (!this.rules) throw new KnowledgeError(this.dir, null, null, errors.map((e) => e.message).join('; '));
  }

  /**
   * Reads the folder again; returns the problems of a refused version (none when it was taken).
   * Reloads run one after another: one that read the files before a write must not finish
   * after the write's own reload and put the older rules back in force.
   */
  reload(): Promise<KnowledgeError[]> {
    const run = this.reloads.then(() => this.build());
    this.reloads = run.catch(() => undefined);
    return run;
  }

  private async build(): Promise<KnowledgeError[]> {
    const result = await loadRules(this.dir, this.departments());
    if ('errors' in result) {
      for (const e of result.errors) this.log.error({ file: e.file, line: e.line, field: e.field }, `rules refused: ${e.problem}${this.rules ? ' (the last good rules stay in force)' : ''}`);
      return result.errors;
    }
    // Our own writes (the rules API) wake the watcher too: unchanged rules are not a new version.
    const fingerprint = createHash('sha256').update(JSON.stringify(result.rules)).digest('hex');
    if (this.rules && fingerprint === this.fingerprint) return [];
    // Compiles (and trains on the examples) now, so no caller's words wait for it.
    compile(result.rules);
    this.fingerprint = fingerprint;
    this.rules = result.rules;
    this.version++;
    this.log.info({ version: this.version }, 'rules loaded');
    return [];
  }

  watch(): void {
    this.stopWatching = watchFolder(this.dir, () => void this.reload(), { log: this.log, what: 'rules' });
  }

  close(): void {
    this.stopWatching?.();
  }
}
