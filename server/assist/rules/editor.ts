import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { contentEtag } from '../../etag.ts';
import type { KnowledgeError } from '../../knowledge/knowledge-base.ts';
import { controlCharacter, fieldPlace } from './field-place.ts';
import type { RuleChange, RuleHistory } from './history.ts';
import { loadRules, RULE_FILES, type RuleLibrary } from './library.ts';

/**
 * Managers' edits of the rule files at runtime. A new text is judged with the rest of the
 * set by the same loader as a hand edit, before anything is written: a bad one is refused
 * with each problem's file, line and column, and neither the disk nor the rules in force
 * change. A good one is written atomically, loaded (in force when `replace` returns) and
 * recorded with the version it replaced. Saves carry the ETag of the version they edited,
 * so one manager's save never silently undoes another's.
 *
 * @example
 *   const editor = new RuleEditor({ library: rules, history, departments, logger });
 *   const { etag } = await editor.read('abuse.yaml');
 *   await editor.replace('abuse.yaml', newText, { ifMatch: etag, author: 'wang' });
 */
export interface RuleFileInfo {
  readonly name: string;
  readonly size: number;
  readonly modified: string;
  readonly etag: string;
  readonly lines: number;
}

/** A problem of a proposed text, placed for an editor (line and column 1-based; null when unknown). */
export interface RuleProblem {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly field: string | null;
  readonly problem: string;
}

export type RuleEditCode = 'not_found' | 'stale' | 'precondition_required' | 'invalid' | 'not_text' | 'changed_meanwhile';

/** An edit that is refused; nothing was written. `status` is the HTTP status it deserves. */
export class RuleEditError extends Error {
  constructor(
    readonly status: 404 | 409 | 422 | 428,
    readonly code: RuleEditCode,
    message: string,
    readonly problems: readonly RuleProblem[] = [],
    /** The ETag of the version on disk, for a stale edit. */
    readonly current: string | null = null,
  ) {
    super(message);
    this.name = 'RuleEditError';
  }
}

export interface RuleEditorDeps {
  readonly library: RuleLibrary;
  readonly history: RuleHistory;
  readonly departments: () => ReadonlySet<string>;
  readonly logger: Logger;
}

export class RuleEditor {
  private edits: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RuleEditorDeps) {}

  get dir(): string {
    return this.deps.library.dir;
  }

  /** The rule files there are (one deleted by hand is left out; a PUT with `If-Match: *` brings it back). */
  async list(): Promise<RuleFileInfo[]> {
    const files = await Promise.all(RULE_FILES.map((name) => this.read(name).then((f) => f.info, () => null)));
    return files.filter((f) => f !== null);
  }

  async read(name: string): Promise<{ info: RuleFileInfo; text: string }> {
    const full = this.pathOf(name);
    const [text, stats] = await Promise.all([readFile(full, 'utf8'), stat(full)]).catch(() => {
      throw new RuleEditError(404, 'not_found', `${name} cannot be read`);
    });
    return { info: { name, size: stats.size, modified: stats.mtime.toISOString(), etag: contentEtag(text), lines: text.split('\n').length }, text };
  }

  /** The problems the rule set would have with `text` as `name` (none: it would be taken). */
  async check(name: string, text: string): Promise<RuleProblem[]> {
    this.pathOf(name);
    const control = controlCharacter(text);
    if (control) return [{ file: name, line: control.line, column: control.column, field: null, problem: `the text has the control character ${control.code}: a rule file is UTF-8 text, not binary` }];
    const result = await loadRules(this.dir, this.deps.departments(), { [name]: text });
    if (!('errors' in result)) return [];
    const sources = new Map<string, string>([[name, text]]);
    const sourceOf = async (file: string) => {
      if (!sources.has(file)) sources.set(file, await readFile(path.join(this.dir, file), 'utf8').catch(() => ''));
      return sources.get(file)!;
    };
    return Promise.all(result.errors.map((e) => this.place(e, sourceOf)));
  }

  /** Writes `text` as `name` if the set loads with it and `ifMatch` is the version on disk; in force on return. */
  replace(name: string, text: string, options: { ifMatch: string | null; author: string }): Promise<{ info: RuleFileInfo; change: RuleChange | null; rulesVersion: number }> {
    return this.serialized(async () => {
      const full = this.pathOf(name);
      const before = await this.read(name).catch((error: unknown) => {
        if (error instanceof RuleEditError && error.code === 'not_found') return null; // deleted by hand
        throw error;
      });
      const current = before?.info.etag ?? null;
      if (options.ifMatch === null) throw new RuleEditError(428, 'precondition_required', 'send If-Match with the ETag of the version you edited (or * to overwrite whatever is there)', [], current);
      if (options.ifMatch !== '*' && options.ifMatch !== current) {
        const last = this.deps.history.list(name).at(-1);
        const by = before === null ? 'deleting the file' : last?.after === current ? `${last.author} at ${last.at}` : 'an edit of the file';
        throw new RuleEditError(409, 'stale', `${name} was changed since you read it (by ${by}); load it again and redo your edit`, [], current);
      }
      if (before && text === before.text) return { info: before.info, change: null, rulesVersion: this.deps.library.loadedVersion };
      const problems = await this.check(name, text);
      if (problems.length) throw new RuleEditError(422, controlCharacter(text) ? 'not_text' : 'invalid', `${name} is not valid; nothing was changed`, problems);
      await writeAtomic(full, text);
      const errors = await this.deps.library.reload();
      if (errors.length) {
        // Another file changed on disk between the check and the write: put this one back.
        if (before) await writeAtomic(full, before.text);
        else await rm(full, { force: true });
        await this.deps.library.reload();
        throw new RuleEditError(409, 'changed_meanwhile', 'the rules folder changed while saving; nothing was changed, try again', []);
      }
      const after = await this.read(name);
      const change = await this.deps.history.record({ file: name, author: options.author, before: before && { etag: before.info.etag, text: before.text }, after: { etag: after.info.etag, text } });
      this.deps.logger.info({ file: name, author: options.author, change: change.change, rulesVersion: this.deps.library.loadedVersion }, 'rule file replaced');
      return { info: after.info, change, rulesVersion: this.deps.library.loadedVersion };
    });
  }

  history(name: string): readonly RuleChange[] {
    this.pathOf(name);
    return this.deps.history.list(name);
  }

  /** A version of the file this history kept, or the one on disk. */
  async version(name: string, etag: string): Promise<string> {
    this.pathOf(name);
    const current = await this.read(name);
    if (current.info.etag === etag) return current.text;
    const kept = this.deps.history.list(name).some((c) => c.before === etag || c.after === etag) ? await this.deps.history.text(etag) : null;
    if (kept === null) throw new RuleEditError(404, 'not_found', `no version ${etag} of ${name}`);
    return kept;
  }

  private async place(e: KnowledgeError, sourceOf: (file: string) => Promise<string>): Promise<RuleProblem> {
    let line = e.line;
    let column = e.place.column ?? null;
    if (line === null && e.field) {
      const found = fieldPlace(await sourceOf(e.file), e.field);
      if (found) ({ line, column } = found);
    }
    return { file: e.file, line, column, field: e.field, problem: e.problem };
  }

  /** The file's path; only the rule files the loader reads can be named. */
  private pathOf(name: string): string {
    if (!RULE_FILES.includes(name)) throw new RuleEditError(404, 'not_found', `no rule file ${name} (the rule files are ${RULE_FILES.join(', ')})`);
    return path.join(this.dir, name);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.edits.then(work, work);
    this.edits = run.catch(() => undefined);
    return run;
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await writeFile(temp, text, 'utf8');
  await rename(temp, file);
}
