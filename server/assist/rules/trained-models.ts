import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Trained example models kept on disk, so a server start or a test file that loads the same
 * examples with the same training code reads the weights (~50 ms) instead of training them
 * again (~8 s for 16,000 examples). The key hashes the examples and the source of the code that
 * turns words into features and trains (so an edited tokenizer never reads stale weights).
 * The same folder keeps what `examples.yaml` parses as (example-readings.ts).
 * Only a cache: a missing, unreadable or corrupt file means training (or parsing) as before.
 */
const KEPT_FILES = 4;
const CODE = ['example-model.ts', '../normalize.ts', '../pinyin.ts'];

function directory(): string {
  return process.env.EXAMPLES_CACHE_DIR ?? path.join(os.tmpdir(), 'hotline-desk-examples');
}

let codeHash: string | undefined;
function codeVersion(): string {
  codeHash ??= CODE.reduce((h, file) => h.update(readFileSync(fileURLToPath(new URL(file, import.meta.url)))), createHash('sha256')).digest('hex');
  return codeHash;
}

/** The cache key of a set of examples (its JSON) under the current training code. */
export function modelKey(examplesJson: string): string {
  return createHash('sha256').update(codeVersion()).update(examplesJson).digest('hex').slice(0, 40);
}

/** A kept file: `.model` for weights, `.json` for parsed examples. */
export type CachedKind = 'model' | 'json';

export function readCached(key: string, kind: CachedKind = 'model'): Buffer | null {
  try {
    return readFileSync(path.join(directory(), `${key}.${kind}`));
  } catch {
    return null;
  }
}

/** Writes atomically (another process may be reading or writing the same key) and keeps the newest few of each kind. */
export function keepCached(key: string, bytes: Uint8Array | string, kind: CachedKind = 'model'): void {
  try {
    const dir = directory();
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${key}.${kind}`);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temp, bytes);
    renameSync(temp, file);
    const old = readdirSync(dir)
      .filter((f) => f.endsWith(`.${kind}`))
      .map((f) => ({ f, at: statSync(path.join(dir, f)).mtimeMs }))
      .sort((a, b) => b.at - a.at)
      .slice(KEPT_FILES);
    for (const { f } of old) rmSync(path.join(dir, f), { force: true });
  } catch {
    // A read-only or full disk costs a training at the next start, nothing more.
  }
}
