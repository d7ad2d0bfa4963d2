import { LineCounter, parseDocument } from 'yaml';

/**
 * Where a named field is in a YAML text: the loader names some problems by field only
 * (a department checked after the schema: `rules[3].department`), and an editor needs
 * the line to put the message beside it.
 *
 * @example
 *   fieldPlace('rules:\n  - department: x\n', 'rules[0].department') // {line: 2, column: 5}
 */
export function fieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of field.split(/\.|(?=\[)/)) {
    const index = /^\[(\d+)\]$/.exec(part);
    if (index) out.push(Number(index[1]));
    else if (part) out.push(part);
  }
  return out;
}

export function fieldPlace(source: string, field: string): { line: number; column: number } | null {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  if (doc.errors.length) return null;
  const at = fieldPath(field);
  // The deepest node of the path that exists: a missing field is shown at its parent.
  for (let n = at.length; n > 0; n--) {
    const node = doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return null;
}

/** The first character no text file has (NUL, other C0 controls but tab and line ends, DEL), with its place. */
export function controlCharacter(text: string): { line: number; column: number; code: string } | null {
  const found = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.exec(text);
  if (!found) return null;
  const before = text.slice(0, found.index);
  const line = before.split('\n').length;
  const column = found.index - before.lastIndexOf('\n');
  return { line, column, code: `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` };
}
