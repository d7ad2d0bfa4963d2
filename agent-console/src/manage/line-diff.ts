/**
 * A line diff of two versions of a text, for the history views (what a rule file change
 * did). The common start and end are trimmed first, since edits are mostly small; the
 * middle is compared line by line (longest common subsequence) when it is small enough,
 * else shown as removed and added whole, so a huge rewrite cannot freeze the page.
 *
 * @example
 *   diffLines('a\nb\nc', 'a\nx\nc') // [{kind:'same', text:'a'}, {kind:'removed', text:'b'}, {kind:'added', text:'x'}, {kind:'same', text:'c'}]
 */
export interface DiffLine {
  readonly kind: 'same' | 'added' | 'removed';
  readonly text: string;
  /** 1-based line in the old text (same, removed) and in the new one (same, added). */
  readonly oldLine: number | null;
  readonly newLine: number | null;
}

const MAX_CELLS = 4_000_000;

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ kind: 'same', text: a[i]!, oldLine: i + 1, newLine: i + 1 });
  out.push(...middle(a.slice(start, endA), b.slice(start, endB), start));
  for (let i = endA, j = endB; i < a.length; i++, j++) out.push({ kind: 'same', text: a[i]!, oldLine: i + 1, newLine: j + 1 });
  return out;
}

function middle(a: readonly string[], b: readonly string[], offset: number): DiffLine[] {
  const removedAll = () => a.map((text, i): DiffLine => ({ kind: 'removed', text, oldLine: offset + i + 1, newLine: null }));
  const addedAll = () => b.map((text, j): DiffLine => ({ kind: 'added', text, oldLine: null, newLine: offset + j + 1 }));
  if (!a.length || !b.length || a.length * b.length > MAX_CELLS) return [...removedAll(), ...addedAll()];
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]!, oldLine: offset + i + 1, newLine: offset + j + 1 });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      out.push({ kind: 'removed', text: a[i]!, oldLine: offset + i + 1, newLine: null });
      i++;
    } else {
      out.push({ kind: 'added', text: b[j]!, oldLine: null, newLine: offset + j + 1 });
      j++;
    }
  }
  return out;
}

/** The changed lines with `context` unchanged lines around each change; gaps become `null`. */
export function withContext(lines: readonly DiffLine[], context = 3): (DiffLine | null)[] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((l, i) => {
    if (l.kind === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) keep[k] = true;
  });
  const out: (DiffLine | null)[] = [];
  lines.forEach((l, i) => {
    if (keep[i]) out.push(l);
    else if (out.at(-1) !== null) out.push(null);
  });
  return out;
}
