import { describe, expect, it } from 'vitest';
import { problemText } from './problem-text.ts';

describe('validation messages in the manager\'s language', () => {
  it('says the schemas\' messages in Chinese', () => {
    expect(problemText('give at least 6 ways a caller says it', 'zh')).toBe('至少写 6 种来电问法');
    expect(problemText('at most 240 characters, so it reads aloud in under a minute', 'zh')).toBe('最多 240 个字，以便一分钟内读完');
    expect(problemText('Invalid option: expected one of "emergency"|"high"|"medium"|"low"', 'zh')).toBe('取值无效，应为以下之一："emergency"|"high"|"medium"|"low"');
    expect(problemText('"airport" is not a department id of knowledge/departments.tsv', 'zh')).toBe('“airport”不是权责清单（departments.tsv）中的部门');
    expect(problemText('not a valid regular expression: Invalid regular expression: /(/u: Unterminated group', 'zh')).toMatch(/^不是有效的正则表达式：/);
  });

  it('keeps English in English, and a message it does not know as the server wrote it', () => {
    expect(problemText('give at least 6 ways a caller says it', 'en')).toBe('give at least 6 ways a caller says it');
    expect(problemText('Nested mappings are not allowed in compact mappings', 'zh')).toBe('Nested mappings are not allowed in compact mappings');
  });
});
