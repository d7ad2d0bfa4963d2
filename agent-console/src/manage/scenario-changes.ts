/**
 * What one change of a scenario changed, for its history: the fields that differ, and
 * each field as lines of text to diff (lists one item per line, the answer one point per
 * line under its part).
 *
 * @example
 *   changedFields(before, after) // ['title', 'answer']
 */
type Doc = Readonly<Record<string, unknown>> | null;

export function changedFields(before: Doc, after: Doc): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k]));
}

export function fieldText(doc: Doc, field: string): string {
  return textOf(doc?.[field]);
}

function textOf(value: unknown, indent = ''): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : `${indent}${String(v)}`)).join('\n');
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${indent}${k}:\n${textOf(v, `${indent}  `)}`).join('\n');
  return `${indent}${String(value)}`;
}
