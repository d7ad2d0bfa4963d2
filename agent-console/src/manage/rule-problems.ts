import type { RuleProblem } from '../../../server/assist/rules/editor.ts';

/**
 * Where a refused rule file's problems go in the editor: each problem of the file being
 * edited beside its line (the gutter marks the line, the message sits under it); problems
 * with no line, or in another file of the set, in a list above the editor.
 *
 * @example
 *   const placed = placeProblems(reply.problems, 'abuse.yaml');
 *   placed.byLine.get(12); // [{line: 12, column: 15, problem: '…'}]
 */
export type { RuleProblem };

export interface PlacedProblems {
  /** Problems of this file, by 1-based line. */
  readonly byLine: ReadonlyMap<number, readonly RuleProblem[]>;
  /** Problems with no line, or in other files. */
  readonly elsewhere: readonly RuleProblem[];
  /** The first line with a problem, to scroll to; null when none has a line. */
  readonly firstLine: number | null;
}

export function placeProblems(problems: readonly RuleProblem[], file: string, lineCount = Number.POSITIVE_INFINITY): PlacedProblems {
  const byLine = new Map<number, RuleProblem[]>();
  const elsewhere: RuleProblem[] = [];
  for (const p of problems) {
    if (p.file === file && p.line !== null && p.line >= 1) {
      // A problem at the end of the text (an unclosed bracket) is shown at the last line.
      const line = Math.min(p.line, lineCount);
      byLine.set(line, [...(byLine.get(line) ?? []), p]);
    } else elsewhere.push(p);
  }
  const lines = [...byLine.keys()].sort((a, b) => a - b);
  return { byLine, elsewhere, firstLine: lines[0] ?? null };
}

/** The character offset where a 1-based line starts, for putting the textarea's caret there. */
export function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

/** The 1-based line of a character offset (the caret's line, shown in the status bar). */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function lineCount(text: string): number {
  let lines = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  return lines;
}
