import { watch } from 'node:fs';
import type { Logger } from 'pino';

/**
 * Calls `onChange` once a folder has been quiet for `quietMs` after a change: editors
 * write a file in several steps, and a reload per step would load half-written files.
 * Returns the function that stops watching. Used by every hot-reloaded folder (flows,
 * knowledge, rules).
 *
 * @example
 *   const stop = watchFolder('flows', () => void flows.reload(), { log, what: 'flows' });
 */
export function watchFolder(
  dir: string,
  onChange: () => void,
  options: { log: Logger; what: string; quietMs?: number; recursive?: boolean; files?: RegExp },
): () => void {
  let timer: NodeJS.Timeout | null = null;
  const watcher = watch(dir, { recursive: options.recursive ?? false }, (_event, file) => {
    if (options.files && file && !options.files.test(file)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, options.quietMs ?? 200);
  });
  watcher.on('error', (error) => options.log.error({ err: error }, `watching the ${options.what} folder failed`));
  return () => {
    watcher.close();
    if (timer) clearTimeout(timer);
  };
}
