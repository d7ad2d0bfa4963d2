import { createHash } from 'node:crypto';
import type { YamlReadings } from '../../knowledge/files.ts';
import { keepCached, readCached } from './trained-models.ts';

/**
 * What `examples.yaml` parses as, kept by its content: parsing 16,000 lines of it takes ~0.8 s,
 * reading them back as JSON ~20 ms. Every load of the rules reads the file (a server start,
 * each manager's save judging the whole set, each test file), while the file itself changes
 * only when someone edits it. The last reading stays in memory for the process and is kept on
 * disk beside the trained models for the next one. The reading is validated again on every
 * load (files.ts), so it only ever saves the parse.
 */
const FORMAT = 'yaml-readings-1'; // bump if what is kept changes shape

const keyOf = (source: string) => createHash('sha256').update(FORMAT).update(source).digest('hex').slice(0, 40);

/** Readings with a memory of their own (one per process in use; tests make fresh ones). */
export function keptReadings(): YamlReadings {
  let last: { key: string; json: string } | null = null;
  return {
    get(source) {
      const key = keyOf(source);
      const json = last?.key === key ? last.json : readCached(key, 'json')?.toString('utf8');
      if (json === undefined) return undefined;
      try {
        const data: unknown = JSON.parse(json);
        last = { key, json };
        return data;
      } catch {
        return undefined; // a torn or corrupt file: parse the YAML again
      }
    },
    keep(source, data) {
      const key = keyOf(source);
      if (last?.key === key) return;
      const json = JSON.stringify(data);
      last = { key, json };
      keepCached(key, json, 'json');
    },
  };
}

export const exampleReadings = keptReadings();
