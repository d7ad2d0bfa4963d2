import { describe, expect, it } from 'vitest';
import { lineCount, lineOfOffset, offsetOfLine, placeProblems, type RuleProblem } from './rule-problems.ts';

const problem = (file: string, line: number | null, text = 'bad'): RuleProblem => ({ file, line, column: line === null ? null : 3, field: null, problem: text });

describe('rule problems placed in the editor', () => {
  it('puts this file\'s problems at their lines and the rest in a list', () => {
    const placed = placeProblems([problem('abuse.yaml', 12, 'a'), problem('abuse.yaml', 4, 'b'), problem('abuse.yaml', 12, 'c'), problem('abuse.yaml', null, 'd'), problem('routing.yaml', 3, 'e')], 'abuse.yaml');
    expect([...placed.byLine.keys()].sort((x, y) => x - y)).toEqual([4, 12]);
    expect(placed.byLine.get(12)!.map((p) => p.problem)).toEqual(['a', 'c']);
    expect(placed.elsewhere.map((p) => p.problem)).toEqual(['d', 'e']);
    expect(placed.firstLine).toBe(4);
  });

  it('shows a problem past the end of the text at its last line, and has no first line without lines', () => {
    expect([...placeProblems([problem('a.yaml', 40)], 'a.yaml', 10).byLine.keys()]).toEqual([10]);
    expect(placeProblems([problem('a.yaml', null)], 'a.yaml').firstLine).toBeNull();
  });

  it('converts between lines and offsets', () => {
    const text = 'one\ntwo\nthree';
    expect(offsetOfLine(text, 1)).toBe(0);
    expect(offsetOfLine(text, 3)).toBe(8);
    expect(offsetOfLine(text, 9)).toBe(text.length);
    expect(lineOfOffset(text, 0)).toBe(1);
    expect(lineOfOffset(text, 8)).toBe(3);
    expect(lineCount(text)).toBe(3);
    expect(lineCount('')).toBe(1);
  });
});
