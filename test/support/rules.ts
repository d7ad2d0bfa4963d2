import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules, type Rules } from '../../server/assist/rules/library.ts';
import { shippedKnowledge } from './knowledge.ts';

/** The project's own rules folder. */
export const RULES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../rules');

/** The shipped rules, loaded once per test file. */
export async function shippedRules(): Promise<Rules> {
  const { kb } = await shippedKnowledge();
  const result = await loadRules(RULES_DIR, new Set(kb.departments.keys()));
  if ('errors' in result) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.rules;
}
