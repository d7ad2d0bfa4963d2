import type { Flag } from '../flag.ts';
import { firstMatch } from '../rules/signal.ts';
import type { CompiledRules } from '../rules/compiled.ts';
import type { Utterance } from './utterance.ts';

/** Callers with nothing to ask or report, only to chat: the closing script. A request the knowledge base recognises is never "chat". */
const REQUEST_SCORE = 0.5;

/** Whether the knowledge base recognises a request in the words (then they are never "chat"). */
export function hasKnownRequest(u: Utterance): boolean {
  return u.suggestions.some((s) => s.score >= REQUEST_SCORE);
}

export function detectNoRequest(u: Utterance, rules: CompiledRules): Flag[] {
  if (hasKnownRequest(u)) return [];
  // Nothing but fillers (喂，嗯，那个，算了) is no request either.
  const evidence = firstMatch(rules.chatOnly, u.text) ?? (u.text && !u.contentWords.length ? [u.text.slice(0, 40)] : null);
  if (!evidence) return [];
  const c = rules.source.noRequest.chat_only;
  return [{ kind: 'no_request', category: 'chat_only', severity: c.severity, evidence, script: c.script }];
}
