import { describe, expect, it } from 'vitest';
import { controlCharacter, fieldPath, fieldPlace } from './field-place.ts';

describe('where a named field is in a rule file', () => {
  it('reads the loader\'s field names as paths', () => {
    expect(fieldPath('rules[3].department')).toEqual(['rules', 3, 'department']);
    expect(fieldPath('categories.private_matter.referral')).toEqual(['categories', 'private_matter', 'referral']);
    expect(fieldPath('examples[0].flags[2]')).toEqual(['examples', 0, 'flags', 2]);
  });

  it('finds the line and column of the field, or of its nearest parent when the field is missing', () => {
    const source = 'rules:\n  - department: water\n    reason: 供水\n  - department: nowhere\n    reason: 未知\n';
    expect(fieldPlace(source, 'rules[1].department')).toEqual({ line: 4, column: 17 });
    expect(fieldPlace(source, 'rules[1].signals')).toEqual({ line: 4, column: 5 });
    expect(fieldPlace(source, 'nothing.here')).toBeNull();
    expect(fieldPlace('rules: [oops\n', 'rules')).toBeNull();
  });

  it('finds the first control character of a text, as a binary file has', () => {
    expect(controlCharacter('a: 1\nb: 2\n')).toBeNull();
    expect(controlCharacter('a: 1\tx\r\n')).toBeNull();
    expect(controlCharacter('a: 1\nb: x\u0000y\n')).toEqual({ line: 2, column: 5, code: 'U+0000' });
  });
});
