import type { Intent } from '../ivr/flow.ts';
import type { CallerHistory } from './caller-history.ts';
import { detectAbuse } from './detectors/abuse.ts';
import { detectLearned, withoutVetoed } from './detectors/learned.ts';
import { detectNoRequest } from './detectors/no-request.ts';
import { detectRepeat } from './detectors/repeat.ts';
import { detectUnreasonable } from './detectors/unreasonable.ts';
import { detectUrgent } from './detectors/urgent.ts';
import { utterance, withoutWords, type Utterance } from './detectors/utterance.ts';
import { bySeverity, type Flag } from './flag.ts';
import { classifyIntent } from './intent.ts';
import type { KnowledgeIndex } from './knowledge-index.ts';
import { route } from './routing.ts';
import { compile, type CompiledRules } from './rules/compiled.ts';
import type { Rules } from './rules/library.ts';
import type { Suggestion } from './suggestion.ts';

/**
 * The assist engine: what the console, the IVR and `analyze` learn from a caller's words —
 * knowledge-base suggestions, flags, the kind of request and the responsible department.
 * It reads the knowledge index and the rules afresh on every utterance, so a reload of
 * either takes effect at the next one. Detectors are one module each in `detectors/`.
 *
 * @example
 * ```ts
 * const engine = new AssistEngine(() => knowledge.index, () => rules.current, history);
 * engine.analyze('租房能不能取公积金', { callerHash, atMs: Date.now() });
 * // {suggestions: [{id: 'gjj.withdraw_rent', …}], flags: [], intent: 'consult', department: 'housing_fund', …}
 * ```
 */
export interface Analysis {
  readonly suggestions: readonly Suggestion[];
  /** Most urgent first. */
  readonly flags: readonly Flag[];
  readonly intent: Intent;
  /** The responsible department (an id of departments.tsv), or null when nothing says. */
  readonly department: string | null;
  readonly departmentReason: string;
  /** The place the caller names (和平路), or null. */
  readonly place: string | null;
}

export interface CallContext {
  /** Keyed hash of the caller's number (never the number); null when unknown. */
  readonly callerHash: string | null;
  readonly atMs: number;
}

type Detector = (u: Utterance, rules: CompiledRules) => Flag[];
/** What the caller asks or reports, read once the insults are taken out. */
const CONTENT_DETECTORS: readonly Detector[] = [detectUrgent, detectUnreasonable, detectNoRequest];

export class AssistEngine {
  constructor(
    private readonly index: () => KnowledgeIndex,
    private readonly rules: () => Rules,
    private readonly history: CallerHistory,
  ) {}

  /** Everything about one utterance (or a call's request so far). */
  analyze(text: string, call: CallContext): Analysis {
    const { suggestions, words } = this.index().search(text);
    const rules = compile(this.rules());
    const u = utterance(text, suggestions, call.callerHash, call.atMs, words);
    const abuse = withoutVetoed(detectAbuse(u, rules), u, rules);
    const insults = abuse.filter((f) => f.category === 'insult').flatMap((f) => f.evidence);
    const request = withoutWords(u, insults);
    const byRules = [...abuse, ...withoutVetoed(CONTENT_DETECTORS.flatMap((detect) => detect(request, rules)), u, rules)];
    const found = [...byRules, ...detectLearned(u, rules, byRules)];
    // Abuse is not small talk: a harasser gets the warning script, not the friendly closing one.
    // Nor is danger: a farewell with pills at hand (没什么事，就是想说声再见) is not to be closed politely.
    const content = found.some((f) => f.kind === 'abuse' || f.kind === 'urgent') ? found.filter((f) => f.kind !== 'no_request') : found;
    const flags = [...content, ...detectRepeat(u, rules, this.history)].sort(bySeverity);
    const intent = classifyIntent(u.text, suggestions[0] ?? null, flags, rules);
    const { department, reason } = route(u.text, suggestions, flags, intent, rules);
    return { suggestions, flags, intent, department, departmentReason: reason, place: u.place };
  }

  /** Whether one sentence, on its own, abuses the operator (the live path counts abusive sentences). */
  isAbusive(sentence: string): boolean {
    return detectAbuse(utterance(sentence, [], null, 0, []), compile(this.rules())).length > 0;
  }

  /** Remembers a finished call for the repeat detector. */
  remember(call: CallContext & { readonly scenarioId: string | null; readonly place: string | null; readonly outcome: string | null }): void {
    if (call.callerHash) this.history.record({ callerHash: call.callerHash, atMs: call.atMs, scenarioId: call.scenarioId, place: call.place, outcome: call.outcome });
  }
}
