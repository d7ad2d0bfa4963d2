import { describe, expect, it } from 'vitest';
import { diffLines, withContext } from './line-diff.ts';

const kinds = (before: string, after: string) => diffLines(before, after).map((l) => `${l.kind[0]}${l.text}`);

describe('line diff of two versions', () => {
  it('finds a changed, an added and a removed line', () => {
    expect(kinds('a\nb\nc', 'a\nx\nc')).toEqual(['sa', 'rb', 'ax', 'sc']);
    expect(kinds('a\nc', 'a\nb\nc')).toEqual(['sa', 'ab', 'sc']);
    expect(kinds('a\nb\nc', 'a\nc')).toEqual(['sa', 'rb', 'sc']);
    expect(kinds('same', 'same')).toEqual(['ssame']);
  });

  it('numbers the lines of each side', () => {
    const diff = diffLines('a\nb\nc\nd', 'a\nc\nd\ne');
    expect(diff.find((l) => l.text === 'b')).toMatchObject({ kind: 'removed', oldLine: 2, newLine: null });
    expect(diff.find((l) => l.text === 'e')).toMatchObject({ kind: 'added', oldLine: null, newLine: 4 });
    expect(diff.find((l) => l.text === 'd')).toMatchObject({ kind: 'same', oldLine: 4, newLine: 3 });
  });

  it('keeps interleaved edits in order', () => {
    expect(kinds('1\n2\n3\n4\n5', '1\nX\n3\nY\n5')).toEqual(['s1', 'r2', 'aX', 's3', 'r4', 'aY', 's5']);
  });

  it('shows a huge rewrite as removed and added whole instead of comparing every pair', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join('\n');
    const started = performance.now();
    const diff = diffLines(before, after);
    expect(performance.now() - started).toBeLessThan(500);
    expect(diff.filter((l) => l.kind === 'removed')).toHaveLength(3000);
    expect(diff.filter((l) => l.kind === 'added')).toHaveLength(3000);
  });

  it('keeps a few lines of context around changes and marks the gaps', () => {
    const before = Array.from({ length: 20 }, (_, i) => `${i}`).join('\n');
    const after = before.replace('\n10\n', '\nten\n');
    const shown = withContext(diffLines(before, after), 2);
    expect(shown.map((l) => (l ? `${l.kind[0]}${l.text}` : '…'))).toEqual(['…', 's8', 's9', 'r10', 'aten', 's11', 's12', '…']);
  });
});
