import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeIndex } from '../../server/assist/knowledge-index.ts';
import { loadKnowledge } from '../../server/knowledge/files.ts';
import type { KnowledgeBase } from '../../server/knowledge/knowledge-base.ts';
import type { ScenarioInput } from '../../server/knowledge/schema.ts';

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

/** A scenario for a domain the shipped knowledge base does not have (so it gets its own file). */
export const dogLicence = (): ScenarioInput => ({
  id: 'pets.dog_licence',
  title: '养犬登记办理',
  department: 'public_security',
  keywords: ['养犬登记', '狗证', '养狗'],
  phrasings: ['我家刚养了一条狗，狗证去哪里办', '养狗要不要登记', '办狗证需要带什么', '养犬登记在网上能办吗', '狗证过期了怎么年审', '小区里养狗要办证吗'],
  answer: { materials: ['身份证', '犬只免疫证明'], channels: ['辖区派出所养犬登记窗口'] },
  spoken: '养犬需要先给狗打狂犬疫苗，再带身份证和免疫证明到辖区派出所办理养犬登记。',
});
