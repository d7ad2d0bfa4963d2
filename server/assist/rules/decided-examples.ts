import type { CallRecord } from '../../calls/call.ts';
import { LEARNED_FLAGS, type LearnedFlag } from './schema.ts';

/**
 * Operators' decisions on flags, turned into examples for `rules/examples.yaml`: the caller's
 * words a flag was raised on, with the flags the operator confirmed as the example's flags.
 * A dismissed flag is left out of them, so the words become a counter-example for it; a flag
 * raised but never decided goes to `allow` (neither). Words already in the file are skipped.
 * Repeat-caller flags come from history, not words, and are never examples.
 *
 * @example
 *   decidedExamples(calls, existingTexts)
 *   // [{ text: '你个死扑街', flags: ['abuse.insult'], allow: [], decidedBy: ['op1'] }]
 */
export interface DecidedExample {
  readonly text: string;
  readonly flags: readonly LearnedFlag[];
  readonly allow: readonly LearnedFlag[];
  /** Who decided (usernames), for the reviewer. */
  readonly decidedBy: readonly string[];
}

const LEARNABLE: ReadonlySet<string> = new Set(LEARNED_FLAGS);

export function decidedExamples(calls: readonly CallRecord[], existing: ReadonlySet<string>): DecidedExample[] {
  const byText = new Map<string, { confirmed: Set<LearnedFlag>; dismissed: Set<LearnedFlag>; raised: Set<LearnedFlag>; by: Set<string> }>();
  for (const call of calls) {
    for (const flag of call.flags ?? []) {
      const text = flag.heard?.trim();
      if (!text || !LEARNABLE.has(flag.key) || existing.has(text)) continue;
      let entry = byText.get(text);
      if (!entry) byText.set(text, (entry = { confirmed: new Set(), dismissed: new Set(), raised: new Set(), by: new Set() }));
      const key = flag.key as LearnedFlag;
      if (flag.decision?.decision === 'confirmed') entry.confirmed.add(key);
      else if (flag.decision?.decision === 'dismissed') entry.dismissed.add(key);
      else entry.raised.add(key);
      if (flag.decision) entry.by.add(flag.decision.by);
    }
  }
  const out: DecidedExample[] = [];
  for (const [text, e] of byText) {
    if (!e.confirmed.size && !e.dismissed.size) continue; // nobody decided anything on these words
    // Operators disagreeing on the same words: neither example nor counter-example for that flag.
    const disputed = new Set([...e.confirmed].filter((f) => e.dismissed.has(f)));
    const flags = [...e.confirmed].filter((f) => !disputed.has(f)).sort();
    const counter = [...e.dismissed].filter((f) => !disputed.has(f));
    const allow = [...new Set([...e.raised, ...disputed])].filter((f) => !flags.includes(f) && !counter.includes(f)).sort();
    out.push({ text, flags, allow, decidedBy: [...e.by].sort() });
  }
  return out.sort((a, b) => a.text.localeCompare(b.text));
}

/** One line of `rules/examples.yaml`, with who decided as a comment. */
export function exampleLine(e: DecidedExample): string {
  const parts = [`text: ${JSON.stringify(e.text)}`, `flags: [${e.flags.join(', ')}]`];
  if (e.allow.length) parts.push(`allow: [${e.allow.join(', ')}]`);
  return `  - {${parts.join(', ')}}  # ${e.decidedBy.join(', ')}`;
}
