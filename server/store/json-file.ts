import { rename } from 'node:fs/promises';
import type { Low } from 'lowdb';
import type { z } from 'zod';

/**
 * Reads a lowdb JSON file and checks its shape. A file that cannot be parsed, or is not
 * what it should be, is never overwritten: it is moved aside as `<file>.corrupt-<time>` and
 * the data starts from `empty`. Returns where it went (null when the file was good or absent).
 *
 * @example
 *   const aside = await readOrSetAside(db, file, fileShape, () => ({ version: 1, changes: [] }));
 *   if (aside) log.error({ file, aside }, 'history unreadable; moved aside');
 */
export async function readOrSetAside<T>(db: Low<T>, file: string, shape: z.ZodType, empty: () => NoInfer<T>): Promise<string | null> {
  try {
    await db.read();
    if (!shape.safeParse(db.data).success) throw new SyntaxError('unexpected shape');
    return null;
  } catch {
    const aside = `${file}.corrupt-${Date.now()}`;
    await rename(file, aside).catch(() => undefined);
    db.data = empty();
    return aside;
  }
}
