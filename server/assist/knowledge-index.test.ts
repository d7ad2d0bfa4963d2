import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedKnowledge } from '../../test/support/knowledge.ts';
import type { KnowledgeIndex } from './knowledge-index.ts';

// GIVEN the shipped knowledge base, and caller sentences written by someone who never saw
// its phrasings (test/fixtures/assist-holdout.jsonl).
const holdout: { text: string; expect: string[] }[] = readFileSync(new URL('../../test/fixtures/assist-holdout.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

describe('knowledge retrieval on spoken Chinese', () => {
  let index: KnowledgeIndex;
  beforeAll(async () => {
    index = (await shippedKnowledge()).index;
  });

  it('ranks the right scenario first for unseen sentences (top-1 ≥ 0.90, top-3 ≥ 0.97)', () => {
    const questions = holdout.filter((c) => c.expect.length);
    let top1 = 0;
    let top3 = 0;
    for (const c of questions) {
      const ids = index.search(c.text).suggestions.map((s) => s.id);
      if (c.expect.includes(ids[0]!)) top1++;
      if (ids.slice(0, 3).some((id) => c.expect.includes(id))) top3++;
    }
    expect(top1 / questions.length).toBeGreaterThanOrEqual(0.9);
    expect(top3 / questions.length).toBeGreaterThanOrEqual(0.97);
  });

  it('suggests nothing for most sentences no scenario answers', () => {
    const offTopic = holdout.filter((c) => !c.expect.length);
    const answered = offTopic.filter((c) => index.search(c.text).suggestions.length > 0);
    expect(answered.length / offTopic.length).toBeLessThanOrEqual(0.2);
  });

  it.each([
    ['traditional characters', '請問住房公積金租房怎麼提取', 'gjj.withdraw_rent'],
    ['full-width digits', '我交了５年公积金，贷款最多能贷多少', 'gjj.loan'],
    ['typed pinyin', 'shebaoka diule zenme buban', 'shebao.card'],
    ['typed pinyin with a space between syllables', 'shebao ka diu le zenme buban', 'shebao.card'],
    ['a recognition homophone', '家里困难，想申请吃低包', 'civil.low_income'],
    ['a synonym', '住房公积金怎么查余额', 'gjj.balance'],
  ])('understands %s', (_kind, text, id) => {
    expect(index.search(text).suggestions[0]?.id).toBe(id);
  });

  it('says which of the caller’s words matched, as they said them', () => {
    const [best] = index.search('喂你好，我想问下租房子能不能把住房公积金取出来').suggestions;
    expect(best?.id).toBe('gjj.withdraw_rent');
    expect(best?.matched).toEqual(expect.arrayContaining(['住房公积金']));
    expect(best?.matched).not.toContain('喂');
  });

  it('picks the sub-scenario whose answer differs when the caller says which case is theirs', () => {
    const [best] = index.search('我租房没有合同，房东也不给发票，能提取公积金吗').suggestions;
    expect(best?.id).toBe('gjj.withdraw_rent');
    expect(best?.sub?.id).toBe('gjj.withdraw_rent.quota');
    expect(best?.sub?.spoken.length).toBeGreaterThan(0);
  });

  it('scores from 0 to 1, best first, at most five', () => {
    const { suggestions } = index.search('公积金提取');
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions.length).toBeLessThanOrEqual(5);
    expect(suggestions.slice(0, 3).reduce((sum, s) => sum + s.score, 0)).toBeGreaterThanOrEqual(index.threshold);
    for (const s of suggestions) expect(s.score).toBeLessThanOrEqual(1);
    expect(suggestions.map((s) => s.score)).toEqual([...suggestions.map((s) => s.score)].sort((a, b) => b - a));
  });

  it.each([
    ['empty', ''],
    ['only fillers', '喂，喂，你好，那个，嗯'],
    ['only punctuation and emoji', '？？？！！…… 😀😀'],
    ['control and replacement characters', '\u0000\u0001\ufffd\ud800'],
  ])('answers %s input with no suggestion and no error', (_kind, text) => {
    expect(index.search(text).suggestions).toEqual([]);
  });

  it('keeps working on an enormous utterance, judging it by its last words', () => {
    const runaway = '我们小区的事情'.repeat(20_000) + '，还有我的社保卡丢了怎么补办';
    expect(index.search(runaway).suggestions[0]?.id).toBe('shebao.card');
  });

  it('gives the recognisers the knowledge base’s terms as hints, bounded', () => {
    const phrases = index.phrases();
    expect(phrases).toEqual(expect.arrayContaining(['公积金', '社保卡申领、补换、挂失']));
    expect(phrases.length).toBeLessThanOrEqual(500);
    expect(index.hints().split(',')).toEqual(phrases);
  });
});
