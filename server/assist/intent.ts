import type { Intent } from '../ivr/flow.ts';
import type { Flag } from './flag.ts';
import type { CompiledRules } from './rules/compiled.ts';
import { firstMatch } from './rules/signal.ts';
import type { Suggestion } from './suggestion.ts';

/**
 * The kind of request (CONTRACTS §1 `intent`). In order:
 *  1. an emergency is a call for help (report), whatever else is said (谢谢你们 in a farewell);
 *  2. praise and suggestion cues (a caller who praises or suggests says so; they lead `rules/intent.yaml`);
 *  3. unreasonable demands are complaints; a call with nothing to ask is a "consult";
 *     a failure of wide impact that recurs (每次下雨都积水) is a complaint about it;
 *  4. the kind the labelled examples (`rules/examples.yaml`) say, when they are sure of it:
 *     they weigh the whole sentence, where a cue sees one phrase (but a bare thanks and
 *     goodbye, `courtesy`, is no praise);
 *  5. the other cues of `rules/intent.yaml`, in their order;
 *  6. abuse with no other sign of what is asked is a complaint: a caller who swears while
 *     asking how to draw the housing fund is still asking (the abuse is its own flag);
 *  7. a failure of wide impact now (a building without water, a flooded underpass) is a
 *     call for repair;
 *  8. the fitting scenario's usual kind; else a question.
 */
export function classifyIntent(text: string, best: Suggestion | null, flags: readonly Flag[], rules: CompiledRules): Intent {
  if (flags.some((f) => f.kind === 'urgent' && f.category === 'emergency')) return 'report';
  // The first cue that fires, in file order; praise and suggestion come first there.
  const cue = rules.intent.find((c) => c.signals.some((s) => s.match(text)))?.intent;
  if (cue === 'praise' || cue === 'suggestion') return cue;
  if (flags.some((f) => f.kind === 'unreasonable')) return 'complaint';
  if (flags.some((f) => f.kind === 'no_request')) return 'consult';
  const wideImpact = flags.some((f) => f.kind === 'urgent' && f.category === 'high');
  if (wideImpact && firstMatch(rules.recurring, text)) return 'complaint';
  const learned = rules.examples.intentOf(text);
  // Thanks that only close the call are no praise: the examples learn 谢谢 from praise calls.
  if (learned && !(learned.intent === 'praise' && firstMatch(rules.courtesy, text))) return learned.intent;
  if (cue) return cue;
  if (flags.some((f) => f.kind === 'abuse')) return 'complaint';
  if (wideImpact) return 'report';
  return best?.intent ?? 'consult';
}
