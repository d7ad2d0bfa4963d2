import type { Intent } from '../ivr/flow.ts';
import { classifyIntent } from './intent.ts';
import type { KnowledgeIndex } from './knowledge-index.ts';
import type { Suggestion } from './suggestion.ts';

/**
 * The assist engine: what the console, the IVR and `analyze` learn from a caller's words.
 * One instance per knowledge-base version is cheap (the index is built elsewhere), and
 * every caller of it gets the same answer for the same words.
 *
 * @example
 * ```ts
 * const engine = new AssistEngine(() => knowledge.index);
 * engine.analyze('租房能不能取公积金'); // {suggestions: [{id: 'gjj.withdraw_rent', …}], intent: 'consult', department: 'housing_fund', flags: []}
 * ```
 */
export interface Flag {
  readonly kind: string;
  readonly category: string;
  readonly severity: 'emergency' | 'high' | 'medium' | 'low';
  readonly evidence: readonly string[];
}

export interface Analysis {
  readonly suggestions: readonly Suggestion[];
  readonly flags: readonly Flag[];
  readonly intent: Intent;
  /** The responsible department (an id of departments.tsv), or null when nothing says. */
  readonly department: string | null;
}

export class AssistEngine {
  /** `index` is read on every call, so a knowledge-base reload takes effect at the next utterance. */
  constructor(private readonly index: () => KnowledgeIndex) {}

  analyze(text: string): Analysis {
    const { suggestions } = this.index().search(text);
    const best = suggestions[0] ?? null;
    return {
      suggestions,
      flags: [],
      intent: classifyIntent(text, best),
      department: best?.department ?? null,
    };
  }
}
