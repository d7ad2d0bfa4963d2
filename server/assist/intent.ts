import type { Intent } from '../ivr/flow.ts';
import type { Flag } from './flag.ts';
import type { CompiledRules } from './rules/compiled.ts';
import type { Suggestion } from './suggestion.ts';

/**
 * The kind of request (CONTRACTS §1 `intent`). In order:
 *  1. praise and suggestion cues (a caller who praises or suggests says so);
 *  2. an emergency is a call for help (report);
 *  3. abuse and unreasonable demands are complaints; a call with nothing to ask is a "consult";
 *  4. the other cues of `rules/intent.yaml`, in their order;
 *  5. the fitting scenario's usual kind; else a question.
 */
export function classifyIntent(text: string, best: Suggestion | null, flags: readonly Flag[], rules: CompiledRules): Intent {
  const cue = (intent: Intent) => rules.intent.some((c) => c.intent === intent && c.signals.some((s) => s.match(text)));
  if (cue('praise')) return 'praise';
  if (cue('suggestion')) return 'suggestion';
  if (flags.some((f) => f.kind === 'urgent' && f.category === 'emergency')) return 'report';
  if (flags.some((f) => f.kind === 'abuse' || f.kind === 'unreasonable')) return 'complaint';
  if (flags.some((f) => f.kind === 'no_request')) return 'consult';
  for (const c of rules.intent) if (c.signals.some((s) => s.match(text))) return c.intent;
  return best?.intent ?? 'consult';
}
