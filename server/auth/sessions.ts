import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { readOrSetAside } from '../store/json-file.ts';

/**
 * Server-side sessions: a random 256-bit id in the browser's cookie, and here only its
 * SHA-256 (the key), so `DATA_DIR/sessions.json` holds nothing that signs anyone in.
 * A session ends at `ttlMs` after sign-in, after `idleMs` without use, or at sign-out.
 * A session held by an open console socket is in use, so it does not go idle while the
 * operator watches a call without clicking. Sessions survive a restart.
 *
 * @example
 *   const { id } = sessions.create(user.id);      // id goes into the cookie
 *   sessions.resolve(id)?.userId === user.id;     // on each request
 *   sessions.revoke(id);                          // sign-out; 'ended' is emitted with the key
 */
export interface Session {
  readonly key: string;
  readonly userId: string;
  readonly createdAt: number;
  lastSeenAt: number;
  readonly expiresAt: number;
}

export interface SessionOptions {
  readonly ttlMs: number;
  readonly idleMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

const sessionShape = z.object({ key: z.string(), userId: z.string(), createdAt: z.number(), lastSeenAt: z.number(), expiresAt: z.number() });
const fileShape = z.object({ version: z.literal(1), sessions: z.record(z.string(), sessionShape) });
type SessionsFile = z.infer<typeof fileShape>;
/** Touches within this long of the last one are not written (a busy page would write on every request). */
const WRITE_TOUCH_MS = 60_000;

export function sessionKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

export class SessionStore extends EventEmitter<{ ended: [key: string, reason: string] }> {
  private readonly db: Low<SessionsFile>;
  private readonly held = new Map<string, number>();
  private readonly now: () => number;
  private writeTimer: NodeJS.Timeout | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly options: SessionOptions,
  ) {
    super();
    this.now = options.now ?? Date.now;
    this.db = new Low<SessionsFile>(new JSONFile(file), { version: 1, sessions: {} });
  }

  async open(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    // Losing sessions only signs people out; moving the file aside keeps it for a look.
    const aside = await readOrSetAside(this.db, this.file, fileShape, () => ({ version: 1 as const, sessions: {} }));
    if (aside) this.options.logger.error({ aside }, 'sessions file unreadable; everyone signs in again');
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, this.options.idleMs));
    this.sweeper.unref();
  }

  create(userId: string): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url');
    const at = this.now();
    const session: Session = { key: sessionKey(id), userId, createdAt: at, lastSeenAt: at, expiresAt: at + this.options.ttlMs };
    this.db.data.sessions[session.key] = session;
    this.scheduleWrite(0);
    return { id, session };
  }

  /** The live session for a cookie's id, touched; null if unknown, expired or idle. */
  resolve(id: string): Session | null {
    const session = this.db.data.sessions[sessionKey(id)];
    if (!session) return null;
    const reason = this.deadReason(session);
    if (reason) {
      this.end(session.key, reason);
      return null;
    }
    this.touch(session);
    return session;
  }

  byKey(key: string): Session | undefined {
    return this.db.data.sessions[key];
  }

  /** An open socket uses the session: it does not go idle until released. */
  hold(key: string): void {
    this.held.set(key, (this.held.get(key) ?? 0) + 1);
  }

  release(key: string): void {
    const count = (this.held.get(key) ?? 1) - 1;
    if (count > 0) this.held.set(key, count);
    else this.held.delete(key);
    const session = this.db.data.sessions[key];
    if (session) this.touch(session);
  }

  revoke(id: string): void {
    this.end(sessionKey(id), 'signed out');
  }

  /** Ends every session for which `stale` says so (a disabled user, a changed password). */
  revokeWhere(stale: (session: Session) => boolean, reason: string): void {
    for (const session of Object.values(this.db.data.sessions)) if (stale(session)) this.end(session.key, reason);
  }

  sweep(): void {
    for (const session of Object.values(this.db.data.sessions)) {
      const reason = this.deadReason(session);
      if (reason) this.end(session.key, reason);
    }
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    await this.db.write().catch((error: unknown) => this.options.logger.error({ err: error }, 'writing sessions failed'));
  }

  private deadReason(session: Session): string | null {
    const at = this.now();
    if (at >= session.expiresAt) return 'expired';
    if (!this.held.has(session.key) && at - session.lastSeenAt >= this.options.idleMs) return 'idle';
    return null;
  }

  private touch(session: Session): void {
    const at = this.now();
    const due = at - session.lastSeenAt >= WRITE_TOUCH_MS;
    session.lastSeenAt = at;
    if (due) this.scheduleWrite(5000);
  }

  private end(key: string, reason: string): void {
    if (!this.db.data.sessions[key]) return;
    delete this.db.data.sessions[key];
    this.scheduleWrite(0);
    this.emit('ended', key, reason);
  }

  private scheduleWrite(delayMs: number): void {
    if (this.writeTimer) {
      if (delayMs > 0) return;
      clearTimeout(this.writeTimer);
    }
    this.writeTimer = setTimeout(() => {
      this.writeTimer = null;
      this.db.write().catch((error: unknown) => this.options.logger.error({ err: error }, 'writing sessions failed'));
    }, delayMs);
    this.writeTimer.unref();
  }
}
