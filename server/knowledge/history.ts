import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Scenario } from './schema.ts';
import { readOrSetAside } from '../store/json-file.ts';

/**
 * Every change made to the knowledge base through the product (REST edits and imports),
 * with who made it and the scenario before and after, in `DATA_DIR/knowledge-history.json`.
 * Edits of the files by hand show in git, not here. A file that cannot be parsed is moved
 * aside as `*.corrupt-<time>` and a new history starts; nothing is overwritten.
 */
export interface KnowledgeChange {
  /** Counts up from 1 over the life of the history file. */
  readonly change: number;
  readonly at: string;
  readonly action: 'create' | 'update' | 'retire' | 'import';
  readonly id: string;
  readonly author: string;
  readonly before: Scenario | null;
  readonly after: Scenario | null;
}

interface HistoryFile {
  version: 1;
  changes: KnowledgeChange[];
}

const fileShape = z.object({ version: z.literal(1), changes: z.array(z.object({ change: z.number(), id: z.string() }).loose()) });

export class KnowledgeHistory {
  private db: Low<HistoryFile> | null = null;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  async open(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const db = new Low<HistoryFile>(new JSONFile(this.file), { version: 1, changes: [] });
    const aside = await readOrSetAside(db, this.file, fileShape, () => ({ version: 1 as const, changes: [] }));
    if (aside) this.log.error({ file: this.file, aside }, 'knowledge history unreadable; moved aside, starting a new one');
    this.db = db;
  }

  async record(change: Omit<KnowledgeChange, 'change' | 'at'>): Promise<KnowledgeChange> {
    const db = this.opened();
    const entry: KnowledgeChange = { change: (db.data.changes.at(-1)?.change ?? 0) + 1, at: new Date().toISOString(), ...change };
    db.data.changes.push(entry);
    await db.write();
    return entry;
  }

  /** The changes of one scenario, oldest first; all changes without an id. */
  list(id?: string): readonly KnowledgeChange[] {
    const changes = this.opened().data.changes;
    return id === undefined ? changes : changes.filter((c) => c.id === id);
  }

  private opened(): Low<HistoryFile> {
    if (!this.db) throw new Error('KnowledgeHistory: open() first');
    return this.db;
  }
}
