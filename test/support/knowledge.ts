import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeIndex } from '../../server/assist/knowledge-index.ts';
import { loadKnowledge } from '../../server/knowledge/files.ts';
import type { KnowledgeBase } from '../../server/knowledge/knowledge-base.ts';

/** The project's own knowledge folder. */
export const KNOWLEDGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../knowledge');

let cached: Promise<{ kb: KnowledgeBase; index: KnowledgeIndex }> | null = null;

/** The shipped knowledge base and its index, built once per test file. */
export function shippedKnowledge(): Promise<{ kb: KnowledgeBase; index: KnowledgeIndex }> {
  cached ??= loadKnowledge(KNOWLEDGE_DIR).then((result) => {
    if ('errors' in result) throw new Error(result.errors.map((e) => e.message).join('\n'));
    return { kb: result.kb, index: KnowledgeIndex.build(result.kb) };
  });
  return cached;
}
