import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CallRecord } from '../calls/call.ts';
import type { CallStore } from './store.ts';
import { readOrSetAside } from './json-file.ts';

/**
 * Calls in lowdb JSON files, one file per day of call start (`calls-2026-11-22.json`).
 *
 * lowdb rewrites a whole file on every write, so files are split by day to keep each
 * write small, and writes are batched: `save` marks a day dirty and a timer writes dirty
 * days every `flushMs`. One process writes a data directory (lowdb has no locking).
 * A file that cannot be parsed is moved aside as `*.corrupt-<time>` and never overwritten.
 */
const FILE = /^calls-(\d{4}-\d{2}-\d{2})\.json$/;
const DAY_MS = 86_400_000;

interface CallsFile {
  version: 1;
  calls: Record<string, CallRecord>;
}

const fileShape = z.object({ version: z.literal(1), calls: z.record(z.string(), z.object({ callSid: z.string(), startedAt: z.string() }).loose()) });

export class LowdbCallStore implements CallStore {
  private readonly days = new Map<string, Low<CallsFile>>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Saves waiting for their day's file to open: a flush must not run ahead of them. */
  private readonly opening = new Set<Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly flushMs = 1000,
  ) {}

  async load(sinceMs: number): Promise<CallRecord[]> {
    await mkdir(this.dir, { recursive: true });
    const first = dayOf(new Date(sinceMs));
    const names = (await readdir(this.dir)).filter((n) => FILE.exec(n) && FILE.exec(n)![1]! >= first).sort();
    const calls: CallRecord[] = [];
    for (const name of names) {
      const db = await this.open(FILE.exec(name)![1]!);
      for (const call of Object.values(db.data.calls)) if (Date.parse(call.startedAt) >= sinceMs) calls.push(call);
    }
    return calls;
  }

  save(call: CallRecord): void {
    const day = dayOf(new Date(call.startedAt));
    const db = this.days.get(day);
    if (db) {
      db.data.calls[call.callSid] = call;
      this.markDirty(day);
      return;
    }
    // First call of a new day: the file is opened off the request path.
    const opened = this.open(day).then(
      (db) => {
        db.data.calls[call.callSid] = call;
        this.markDirty(day);
      },
      (error: unknown) => this.log.error({ err: error, day }, 'could not open the calls file; the call stays in memory'),
    );
    this.opening.add(opened);
    void opened.finally(() => this.opening.delete(opened));
  }

  async flush(): Promise<void> {
    await Promise.all(this.opening);
    // Writes are chained so two flushes never race on one file.
    this.writing = this.writing.then(() => this.writeDirty());
    await this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private markDirty(day: string): void {
    this.dirty.add(day);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
  }

  private async writeDirty(): Promise<void> {
    for (const day of [...this.dirty]) {
      this.dirty.delete(day);
      try {
        await this.days.get(day)!.write();
      } catch (error) {
        // Keep it dirty: the next flush tries again, nothing is lost while the process lives.
        this.dirty.add(day);
        this.log.error({ err: error, day }, 'writing the calls file failed; will retry');
        this.timer ??= setTimeout(() => {
          this.timer = null;
          void this.flush();
        }, this.flushMs);
      }
    }
  }

  private async open(day: string): Promise<Low<CallsFile>> {
    const existing = this.days.get(day);
    if (existing) return existing;
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `calls-${day}.json`);
    const db = new Low<CallsFile>(new JSONFile(file), { version: 1, calls: {} });
    const aside = await readOrSetAside(db, file, fileShape, () => ({ version: 1 as const, calls: {} }));
    if (aside) this.log.error({ file, movedTo: aside }, 'calls file is corrupt: moved aside, starting the day empty');
    // Another caller may have opened the same day while this one awaited.
    const raced = this.days.get(day);
    if (raced) return raced;
    this.days.set(day, db);
    return db;
  }
}

/** The server's local calendar day, YYYY-MM-DD. */
function dayOf(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

export const LOAD_WINDOW_MS = DAY_MS;
