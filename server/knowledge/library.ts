import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { KnowledgeIndex } from '../assist/knowledge-index.ts';
import { formatDomainFile, loadKnowledge, parseYaml, SCENARIOS_DIR } from './files.ts';
import type { KnowledgeHistory } from './history.ts';
import { KnowledgeError, type KbScenario, type KnowledgeBase } from './knowledge-base.ts';
import { domainFileSchema, scenarioSchema, type DomainFile, type Scenario } from './schema.ts';
import { watchFolder } from '../watch-folder.ts';
import { contentEtag } from '../etag.ts';

/**
 * The live knowledge base: the files in `knowledge/`, validated and indexed. A change —
 * an edit of a file, an import, or a REST edit — builds a new version beside the old one
 * and swaps it in when it is ready, so calls in progress never see a half-built index and
 * never wait for one. A version that fails validation is refused with its problems named,
 * and the last good one stays in force.
 *
 * @example
 *   const knowledge = new KnowledgeLibrary(config.knowledgeDir, history, log);
 *   await knowledge.load();     // throws if the knowledge base has no good version
 *   knowledge.watch();
 *   knowledge.index.search('租房能取公积金吗');
 */
export interface KnowledgeVersion {
  readonly kb: KnowledgeBase;
  readonly index: KnowledgeIndex;
  /** Counts up from 1 with every version this process has loaded. */
  readonly version: number;
  readonly loadedAt: string;
  readonly buildMs: number;
}

export interface ReloadReport {
  readonly ok: boolean;
  readonly version: number;
  readonly errors: readonly KnowledgeError[];
}

/** A REST edit that cannot be applied; `status` is the HTTP status it deserves. */
export class KnowledgeEditError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly problems: readonly KnowledgeError[] = [],
  ) {
    super(message);
    this.name = 'KnowledgeEditError';
  }
}

export class KnowledgeLibrary extends EventEmitter<{ changed: [KnowledgeVersion] }> {
  private currentVersion: KnowledgeVersion | null = null;
  private stopWatching: (() => void) | null = null;
  private reloading: Promise<ReloadReport> | null = null;
  private reloadAgain: Promise<ReloadReport> | null = null;
  private edits: Promise<unknown> = Promise.resolve();
  private versions = 0;
  private fingerprint = '';

  constructor(
    readonly dir: string,
    private readonly history: KnowledgeHistory,
    private readonly log: Logger,
  ) {
    super();
  }

  get current(): KnowledgeVersion {
    if (!this.currentVersion) throw new Error('KnowledgeLibrary: load() first');
    return this.currentVersion;
  }

  get index(): KnowledgeIndex {
    return this.current.index;
  }

  /** First load at boot: refuses to start without a good knowledge base. */
  async load(): Promise<ReloadReport> {
    const report = await this.reload();
    if (!report.ok) throw new KnowledgeError(this.dir, null, null, report.errors.map((e) => e.message).join('; '));
    return report;
  }

  /** Reads the folder again; a good version replaces the current one, a bad one is reported and ignored. */
  reload(): Promise<ReloadReport> {
    if (this.reloading) {
      // The reload under way may have read the files before the change that asks for this one,
      // so answer with a reading that starts after it (one for everyone who asks meanwhile).
      const again = () => {
        this.reloadAgain = null;
        return this.reload();
      };
      this.reloadAgain ??= this.reloading.then(again, again);
      return this.reloadAgain;
    }
    this.reloading = this.build().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  watch(): void {
    this.stopWatching = watchFolder(this.dir, () => void this.reload(), { log: this.log, what: 'knowledge', recursive: true, files: /\.(ya?ml|tsv|txt|json)$/ });
  }

  close(): void {
    this.stopWatching?.();
  }

  scenario(id: string): KbScenario | undefined {
    return this.current.kb.scenarios.find((s) => s.id === id);
  }

  /** Creates a scenario (`create`) or replaces one (`update`), writes its domain file, reloads and records the change. */
  save(input: unknown, options: { mode: 'create' | 'update'; id?: string; author: string; domain?: string; ifMatch?: string }): Promise<KbScenario> {
    return this.serialized(async () => {
      // What GET returns may come back as it is: where a scenario lives is ours to say, not the body's.
      const { domain: _domain, file: _file, sample: _sample, ...body } = (input ?? {}) as Record<string, unknown>;
      const parsed = scenarioSchema(new Set(this.current.kb.departments.keys())).safeParse(body);
      if (!parsed.success) {
        throw new KnowledgeEditError(400, 'the scenario is not valid', parsed.error.issues.map((i) => new KnowledgeError('request', null, i.path.join('.') || '(root)', i.message, { path: i.path as (string | number)[] })));
      }
      const scenario = parsed.data;
      if (options.id !== undefined && options.id !== scenario.id) throw new KnowledgeEditError(400, `the body's id ${scenario.id} is not the id in the URL (${options.id})`);
      const before = this.scenario(scenario.id);
      if (options.mode === 'create' && before) throw new KnowledgeEditError(409, `scenario ${scenario.id} already exists`);
      if (options.mode === 'update' && !before) throw new KnowledgeEditError(404, `no scenario ${scenario.id}`);
      // An editor that read an older version would silently undo someone else's change.
      if (before && options.ifMatch !== undefined && options.ifMatch !== '*' && options.ifMatch !== scenarioEtag(before)) {
        throw new KnowledgeEditError(409, `scenario ${scenario.id} was changed since it was read (by ${this.history.list(scenario.id).at(-1)?.author ?? 'an edit of its file'}); load it again`);
      }
      const file = before?.file ?? `${SCENARIOS_DIR}/${scenario.id.split('.')[0]}.yaml`;
      await this.rewrite(file, options.domain ?? before?.domain, (domain) => {
        const at = domain.scenarios.findIndex((s) => s.id === scenario.id);
        if (at >= 0) domain.scenarios[at] = scenario;
        else domain.scenarios.push(scenario);
      });
      await this.history.record({ action: options.mode, id: scenario.id, author: options.author, before: strip(before), after: scenario });
      return this.scenario(scenario.id)!;
    });
  }

  /** Retires a scenario: it stays in its file and its history, and is no longer suggested. */
  retire(id: string, author: string): Promise<KbScenario> {
    return this.serialized(async () => {
      const before = this.scenario(id);
      if (!before) throw new KnowledgeEditError(404, `no scenario ${id}`);
      if (before.status === 'retired') return before;
      await this.rewrite(before.file, before.domain, (domain) => {
        const at = domain.scenarios.findIndex((s) => s.id === id);
        domain.scenarios[at] = { ...domain.scenarios[at]!, status: 'retired' };
      });
      const after = this.scenario(id)!;
      await this.history.record({ action: 'retire', id, author, before: strip(before), after: strip(after) });
      return after;
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.edits.then(work, work);
    this.edits = run.catch(() => undefined);
    return run;
  }

  /** Changes one domain file, writes it atomically, and loads the result; on any problem the file is restored. */
  private async rewrite(file: string, domainName: string | undefined, change: (domain: DomainFile) => void): Promise<void> {
    const full = path.join(this.dir, file);
    const original = await readFile(full, 'utf8').catch(() => null);
    const errors: KnowledgeError[] = [];
    const departments = new Set(this.current.kb.departments.keys());
    const domain: DomainFile = original !== null
      ? parseYaml(file, original, domainFileSchema(departments), errors) ?? failWith(errors)
      : { domain: domainName ?? file, sample: false, scenarios: [] };
    change(domain);
    await mkdir(path.dirname(full), { recursive: true });
    await writeAtomic(full, formatDomainFile(domain));
    const report = await this.reload();
    if (!report.ok) {
      if (original === null) await rm(full, { force: true });
      else await writeAtomic(full, original);
      await this.reload();
      throw new KnowledgeEditError(400, 'the knowledge base would not load with this change', report.errors);
    }
  }

  private async build(): Promise<ReloadReport> {
    const started = performance.now();
    const loaded = await loadKnowledge(this.dir);
    if ('errors' in loaded) {
      for (const error of loaded.errors) this.log.error({ file: error.file, line: error.line, field: error.field }, `knowledge refused: ${error.problem}${this.currentVersion ? ' (the last good version stays in force)' : ''}`);
      return { ok: false, version: this.currentVersion?.version ?? 0, errors: loaded.errors };
    }
    // Our own writes wake the watcher too: an unchanged knowledge base is not a new version.
    const fingerprint = createHash('sha256').update(JSON.stringify([loaded.kb.scenarios, loaded.kb.synonyms, [...loaded.kb.stopwords], [...loaded.kb.departments.values()], loaded.kb.calibration ?? null])).digest('hex');
    if (this.currentVersion && fingerprint === this.fingerprint) return { ok: true, version: this.currentVersion.version, errors: [] };
    const index = await KnowledgeIndex.buildAsync(loaded.kb);
    this.fingerprint = fingerprint;
    const version: KnowledgeVersion = { kb: loaded.kb, index, version: ++this.versions, loadedAt: new Date().toISOString(), buildMs: Math.round(performance.now() - started) };
    this.currentVersion = version;
    this.log.info({ version: version.version, scenarios: index.size.scenarios, subScenarios: index.size.subScenarios, buildMs: version.buildMs }, 'knowledge base loaded');
    this.emit('changed', version);
    return { ok: true, version: version.version, errors: [] };
  }
}

function failWith(errors: KnowledgeError[]): never {
  throw new KnowledgeEditError(400, 'the domain file does not load as it is; fix it first', errors);
}

/** A scenario's version, as the API's ETag: changes whenever what is stored of it changes. */
export function scenarioEtag(s: KbScenario): string {
  return contentEtag(JSON.stringify(strip(s)));
}

/** The scenario as stored in its file (without where it came from). */
function strip(s: KbScenario | undefined): Scenario | null {
  if (!s) return null;
  const { domain: _domain, file: _file, sample: _sample, ...scenario } = s;
  return scenario;
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, 'utf8');
  await rename(temp, file);
}
