import type { Intent } from '../ivr/flow.ts';
import type { Flag } from './flag.ts';
import type { CompiledRules } from './rules/compiled.ts';
import { firstMatch } from './rules/signal.ts';
import type { Suggestion } from './suggestion.ts';

/**
 * The kind of request (CONTRACTS §1 `intent`). In order:
 *  1. praise and suggestion cues (a caller who praises or suggests says so; they lead `rules/intent.yaml`);
 *  2. an emergency is a call for help (report);
 *  3. abuse and unreasonable demands are complaints; a call with nothing to ask is a "consult";
 *  4. the other cues of `rules/intent.yaml`, in their order;
 *  5. a failure of wide impact now (a building without water, a flooded underpass) is a
 *     call for repair, unless it recurs (每次下雨都…: then it is a complaint about it);
 *  6. the fitting scenario's usual kind; else a question.
 */
export function classifyIntent(text: string, best: Suggestion | null, flags: readonly Flag[], rules: CompiledRules): Intent {
  // The first cue that fires, in file order; praise and suggestion come first there.
  const cue = rules.intent.find((c) => c.signals.some((s) => s.match(text)))?.intent;
  if (cue === 'praise' || cue === 'suggestion') return cue;
  if (flags.some((f) => f.kind === 'urgent' && f.category === 'emergency')) return 'report';
  if (flags.some((f) => f.kind === 'abuse' || f.kind === 'unreasonable')) return 'complaint';
  if (flags.some((f) => f.kind === 'no_request')) return 'consult';
  if (cue) return cue;
  if (flags.some((f) => f.kind === 'urgent' && f.category === 'high') && !firstMatch(rules.recurring, text)) return 'report';
  return best?.intent ?? 'consult';
}
