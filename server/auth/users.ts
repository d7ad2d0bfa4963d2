import { randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { hashPassword } from './password.ts';
import { ROLES, type Role } from './roles.ts';
import { readOrSetAside } from '../store/json-file.ts';

/**
 * Console accounts in `DATA_DIR/users.json` (lowdb). `npm run user` writes the file; the
 * server reads it and notices changes made while it runs (it re-reads when the file's
 * modification time changes), so an account added or disabled from the command line
 * counts at the next sign-in or session check, without a restart.
 *
 * @example
 *   const users = new UserStore(path.join(dataDir, 'users.json'));
 *   await users.open();
 *   await users.add({ username: 'op1', role: 'operator', displayName: '坐席一号', password: 'long enough' });
 */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly createdAt: string;
  /** Sessions started before this are no longer valid (a new password signs everyone out). */
  readonly passwordChangedAt: string;
  /** Seeded by `npm run demo`; only such accounts are ever reset by it. */
  readonly demo?: boolean;
}

export const MIN_PASSWORD_LENGTH = 8;
/** Letters, digits, dot, dash, underscore; 2–32 characters; compared case-insensitively. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'expected 2–32 letters, digits, dots, dashes or underscores, starting with a letter or digit');
export const roleSchema = z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` });

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

const userShape = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  passwordHash: z.string(),
  disabled: z.boolean(),
  createdAt: z.string(),
  passwordChangedAt: z.string(),
  demo: z.boolean().optional(),
});
const fileShape = z.object({ version: z.literal(1), users: z.array(userShape) });
type UsersFile = z.infer<typeof fileShape>;

export class UserStore {
  private readonly db: Low<UsersFile>;
  private mtimeMs = -1;

  constructor(private readonly file: string) {
    this.db = new Low<UsersFile>(new JSONFile(file), { version: 1, users: [] });
  }

  async open(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await this.reload();
  }

  /** Re-reads the file if another process (the `user` CLI) changed it since the last read. */
  async refresh(): Promise<void> {
    const mtimeMs = await stat(this.file).then((s) => s.mtimeMs, () => -1);
    if (mtimeMs !== this.mtimeMs) await this.reload();
  }

  list(): readonly User[] {
    return this.db.data.users;
  }

  get size(): number {
    return this.db.data.users.length;
  }

  find(username: string): User | undefined {
    const name = username.trim().toLowerCase();
    return this.db.data.users.find((u) => u.username === name);
  }

  byId(id: string): User | undefined {
    return this.db.data.users.find((u) => u.id === id);
  }

  async add(input: { username: string; role: Role; displayName?: string; password: string; demo?: boolean }): Promise<User> {
    await this.refresh();
    const username = usernameSchema.parse(input.username);
    if (this.find(username)) throw new UserError(`a user named ${username} already exists`);
    checkPassword(input.password);
    const now = new Date().toISOString();
    const user: User = {
      id: randomUUID(),
      username,
      displayName: input.displayName?.trim() || username,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      disabled: false,
      createdAt: now,
      passwordChangedAt: now,
      ...(input.demo ? { demo: true } : {}),
    };
    this.db.data.users.push(user);
    await this.write();
    return user;
  }

  async setPassword(username: string, password: string): Promise<User> {
    checkPassword(password);
    const passwordHash = await hashPassword(password);
    return this.update(username, () => ({ passwordHash, passwordChangedAt: new Date().toISOString() }));
  }

  async setDisabled(username: string, disabled: boolean): Promise<User> {
    return this.update(username, () => ({ disabled }));
  }

  private async update(username: string, change: (user: User) => Partial<User>): Promise<User> {
    await this.refresh();
    const index = this.db.data.users.findIndex((u) => u.username === username.trim().toLowerCase());
    if (index < 0) throw new UserError(`no user named ${username}`);
    const updated = { ...this.db.data.users[index]!, ...change(this.db.data.users[index]!) };
    this.db.data.users[index] = updated;
    await this.write();
    return updated;
  }

  private async reload(): Promise<void> {
    // Never overwrite accounts we cannot read: keep the file aside for an administrator to look at.
    const aside = await readOrSetAside(this.db, this.file, fileShape, () => ({ version: 1 as const, users: [] }));
    if (aside) throw new UserError(`${this.file} could not be read; it was moved to ${aside}`);
    this.mtimeMs = await stat(this.file).then((s) => s.mtimeMs, () => -1);
  }

  private async write(): Promise<void> {
    await this.db.write();
    this.mtimeMs = (await stat(this.file)).mtimeMs;
  }
}

export function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new UserError(`the password is too short: at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 1024) throw new UserError('the password is too long: at most 1024 characters');
}
