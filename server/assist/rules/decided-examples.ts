import type { CallRecord } from '../../calls/call.ts';
import type { Intent } from '../../ivr/flow.ts';
import { callerWords } from '../wrap-up-draft.ts';
import { LEARNED_FLAGS, type LearnedFlag } from './schema.ts';

/**
 * Operators' decisions on flags, turned into examples for `rules/examples.yaml`: the caller's
 * words a flag was raised on, with the flags the operator confirmed as the example's flags.
 * A dismissed flag is left out of them, so the words become a counter-example for it; a flag
 * raised but never decided goes to `allow` (neither). Words already in the file are skipped.
 * Repeat-caller flags come from history, not words, and are never examples.
 *
 * A call its operator wrapped up is also an example of where such calls go: everything the
 * caller said, with the kind of request and the department the operator chose (a dispatched
 * example), and the flags decided on the call as above.
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
  /** From a wrap-up: the kind of request and the department the call was dispatched to. */
  readonly intent?: Intent;
  readonly department?: string;
}

/** The longest words an example holds (examples.yaml); a longer call is not an example. */
const LONGEST_TEXT = 500;

const LEARNABLE: ReadonlySet<string> = new Set(LEARNED_FLAGS);

export function decidedExamples(calls: readonly CallRecord[], existing: ReadonlySet<string>): DecidedExample[] {
  type Entry = { confirmed: Set<LearnedFlag>; dismissed: Set<LearnedFlag>; raised: Set<LearnedFlag>; by: Set<string>; wrapUp?: { intent: Intent; department: string } };
  const byText = new Map<string, Entry>();
  const entryOf = (text: string) => {
    let entry = byText.get(text);
    if (!entry) byText.set(text, (entry = { confirmed: new Set(), dismissed: new Set(), raised: new Set(), by: new Set() }));
    return entry;
  };
  const decide = (entry: Entry, flag: NonNullable<CallRecord['flags']>[number]) => {
    const key = flag.key as LearnedFlag;
    if (flag.decision?.decision === 'confirmed') entry.confirmed.add(key);
    else if (flag.decision?.decision === 'dismissed') entry.dismissed.add(key);
    else entry.raised.add(key);
    if (flag.decision) entry.by.add(flag.decision.by);
  };
  for (const call of calls) {
    const learnable = (call.flags ?? []).filter((f) => LEARNABLE.has(f.key));
    for (const flag of learnable) {
      const text = flag.heard?.trim();
      if (text && !existing.has(text)) decide(entryOf(text), flag);
    }
    const said = callerWords(call);
    if (!call.wrapUp || !said || said.length > LONGEST_TEXT || existing.has(said)) continue;
    const entry = entryOf(said);
    entry.wrapUp = { intent: call.wrapUp.intent, department: call.wrapUp.department };
    entry.by.add(call.wrapUp.by);
    for (const flag of learnable) decide(entry, flag);
  }
  const out: DecidedExample[] = [];
  for (const [text, e] of byText) {
    if (!e.confirmed.size && !e.dismissed.size && !e.wrapUp) continue; // nobody decided anything on these words
    // Operators disagreeing on the same words: neither example nor counter-example for that flag.
    const disputed = new Set([...e.confirmed].filter((f) => e.dismissed.has(f)));
    const flags = [...e.confirmed].filter((f) => !disputed.has(f)).sort();
    const counter = [...e.dismissed].filter((f) => !disputed.has(f));
    const allow = [...new Set([...e.raised, ...disputed])].filter((f) => !flags.includes(f) && !counter.includes(f)).sort();
    out.push({ text, flags, allow, decidedBy: [...e.by].sort(), ...e.wrapUp });
  }
  return out.sort((a, b) => a.text.localeCompare(b.text));
}

/** One line of `rules/examples.yaml`, with who decided as a comment. */
export function exampleLine(e: DecidedExample): string {
  const parts = [`text: ${JSON.stringify(e.text)}`, `flags: [${e.flags.join(', ')}]`];
  if (e.allow.length) parts.push(`allow: [${e.allow.join(', ')}]`);
  if (e.intent) parts.push(`intent: ${e.intent}`);
  if (e.department) parts.push(`department: ${e.department}`);
  return `  - {${parts.join(', ')}}  # ${e.decidedBy.join(', ')}`;
}
