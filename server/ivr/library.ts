import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { FlowError, type Flow } from './flow.ts';
import { validateFlow } from './schema.ts';
import { watchFolder } from '../watch-folder.ts';

/**
 * The IVR flows in `flows/`, reloaded when a file changes. A file that fails validation
 * is refused with its file, node and field named, and the last good version of that flow
 * keeps serving calls.
 *
 * @example
 *   const flows = new FlowLibrary(config.flowsDir, log);
 *   await flows.load();          // throws if `main` has no good version at all
 *   flows.watch();
 *   flows.get('main');
 */
export interface ReloadReport {
  readonly loaded: string[];
  readonly errors: FlowError[];
}

export class FlowLibrary {
  private readonly flows = new Map<string, Flow>();
  private stopWatching: (() => void) | null = null;
  private reloading: Promise<ReloadReport> | null = null;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly required = 'main',
  ) {}

  get(id: string): Flow | undefined {
    return this.flows.get(id);
  }

  ids(): string[] {
    return [...this.flows.keys()];
  }

  /** First load at boot: refuses to start without a good `main` flow. */
  async load(): Promise<ReloadReport> {
    const report = await this.reload();
    if (!this.flows.has(this.required)) {
      const why = report.errors.filter((e) => e.file === `${this.required}.json`).map((e) => e.message);
      throw new FlowError(`${this.required}.json`, null, null, why.length ? why.join('; ') : `no ${this.required}.json in ${this.dir}`);
    }
    return report;
  }

  /** Reads every flow file again; good files replace their flow, bad ones are reported and ignored. */
  reload(): Promise<ReloadReport> {
    this.reloading ??= this.readAll().finally(() => (this.reloading = null));
    return this.reloading;
  }

  watch(): void {
    this.stopWatching = watchFolder(this.dir, () => void this.reload(), { log: this.log, what: 'flows', quietMs: 150 });
  }

  close(): void {
    this.stopWatching?.();
  }

  private async readAll(): Promise<ReloadReport> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
    const loaded: string[] = [];
    const errors: FlowError[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        errors.push(new FlowError(name, null, null, error instanceof SyntaxError ? `not valid JSON: ${error.message}` : 'cannot be read'));
        continue;
      }
      const result = validateFlow(file, json);
      if ('errors' in result) {
        errors.push(...result.errors);
        continue;
      }
      const previous = this.flows.get(result.flow.id);
      this.flows.set(result.flow.id, result.flow);
      if (previous && JSON.stringify(previous) !== JSON.stringify(result.flow)) this.log.info({ flow: result.flow.id }, 'flow reloaded');
      loaded.push(result.flow.id);
    }
    for (const error of errors) {
      const keeps = this.flows.has(path.basename(error.file, '.json'));
      this.log.error({ file: error.file, node: error.node, field: error.field }, `flow refused: ${error.message}${keeps ? ' (the last good version keeps serving)' : ''}`);
    }
    return { loaded, errors };
  }
}
