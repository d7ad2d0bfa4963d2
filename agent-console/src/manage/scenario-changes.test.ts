import { describe, expect, it } from 'vitest';
import { changedFields, fieldText } from './scenario-changes.ts';

describe('what a scenario change changed', () => {
  const before = { id: 'a.b', title: '旧', answer: { conditions: ['一', '二'] }, phrasings: ['x', 'y'] };
  const after = { id: 'a.b', title: '新', answer: { conditions: ['一', '三'], basis: ['条例'] }, phrasings: ['x', 'y'] };

  it('names the fields that differ, and every field of a creation', () => {
    expect(changedFields(before, after)).toEqual(['title', 'answer']);
    expect(changedFields(null, after)).toEqual(['id', 'title', 'answer', 'phrasings']);
  });

  it('gives each field as lines to diff', () => {
    expect(fieldText(after, 'answer')).toBe('conditions:\n  一\n  三\nbasis:\n  条例');
    expect(fieldText(before, 'phrasings')).toBe('x\ny');
    expect(fieldText(null, 'title')).toBe('');
  });
});
