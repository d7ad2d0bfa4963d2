import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { readOrSetAside } from '../../store/json-file.ts';

/**
 * Every change made to a rule file through the product, with who made it and the
 * versions before and after, so a manager can see what changed and bring an old version
 * back. The index is `DATA_DIR/rules-history.json`; each version's text is stored once,
 * by its ETag, in `DATA_DIR/rules-history/` (examples.yaml is a quarter of a megabyte: the
 * index stays small, and a version saved twice is stored once). Hand edits show in git.
 *
 * @example
 *   const history = new RuleHistory(path.join(dataDir, 'rules-history.json'), log);
 *   await history.open();
 *   await history.record({ file: 'abuse.yaml', author: 'wang', before: { etag, text }, after: { etag, text } });
 */
export interface RuleChange {
  /** Counts up from 1 over the life of the history. */
  readonly change: number;
  readonly at: string;
  readonly file: string;
  readonly author: string;
  /** The ETag of the version replaced (null when the file did not exist). */
  readonly before: string | null;
  readonly after: string;
  readonly bytes: number;
}

interface HistoryFile {
  version: 1;
  changes: RuleChange[];
}

const fileShape = z.object({ version: z.literal(1), changes: z.array(z.object({ change: z.number(), file: z.string() }).loose()) });
const ETAG = /^[0-9a-f]{20}$/;

export class RuleHistory {
  private db: Low<HistoryFile> | null = null;
  private readonly versionsDir: string;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {
    this.versionsDir = file.replace(/\.json$/, '');
  }

  async open(): Promise<void> {
    await mkdir(this.versionsDir, { recursive: true });
    const db = new Low<HistoryFile>(new JSONFile(this.file), { version: 1, changes: [] });
    const aside = await readOrSetAside(db, this.file, fileShape, () => ({ version: 1 as const, changes: [] }));
    if (aside) this.log.error({ file: this.file, aside }, 'rules history unreadable; moved aside, starting a new one');
    this.db = db;
  }

  /** Keeps both versions' text, then records the change. */
  async record(change: { file: string; author: string; before: { etag: string; text: string } | null; after: { etag: string; text: string } }): Promise<RuleChange> {
    const db = this.opened();
    for (const version of [change.before, change.after]) if (version) await this.keep(version.etag, version.text);
    const entry: RuleChange = {
      change: (db.data.changes.at(-1)?.change ?? 0) + 1,
      at: new Date().toISOString(),
      file: change.file,
      author: change.author,
      before: change.before?.etag ?? null,
      after: change.after.etag,
      bytes: Buffer.byteLength(change.after.text),
    };
    db.data.changes.push(entry);
    await db.write();
    return entry;
  }

  /** One file's changes, oldest first. */
  list(file: string): readonly RuleChange[] {
    return this.opened().data.changes.filter((c) => c.file === file);
  }

  /** The text of a version this history kept, or null. */
  async text(etag: string): Promise<string | null> {
    if (!ETAG.test(etag)) return null;
    return readFile(this.pathOf(etag), 'utf8').catch(() => null);
  }

  private async keep(etag: string, text: string): Promise<void> {
    const file = this.pathOf(etag);
    if (await access(file).then(() => true, () => false)) return;
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, text, 'utf8');
    await rename(temp, file);
  }

  private pathOf(etag: string): string {
    return path.join(this.versionsDir, `${etag}.yaml`);
  }

  private opened(): Low<HistoryFile> {
    if (!this.db) throw new Error('RuleHistory: open() first');
    return this.db;
  }
}
