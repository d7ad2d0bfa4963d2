import type { Intent } from '../ivr/flow.ts';
import type { Flag } from './flag.ts';
import type { CompiledRules } from './rules/compiled.ts';
import type { Suggestion } from './suggestion.ts';

/**
 * The department responsible by the responsibility list (按责转办), with the reason shown
 * to the operator. In order:
 *  1. an emergency goes to 110/119/120;
 *  2. a routing rule marked `always` (a duty the list gives a department no scenario covers: aircraft noise, petitions, traffic signals),
 *     those for one kind of request (`intent`) only for that kind;
 *  3. the referral of an unreasonable request (market pricing → 12315, petition-closed → petition);
 *  4. the fitting scenario's department;
 *  5. the routing rules for requests no scenario fits, functional departments before the community;
 *  6. the best candidate's department, however unsure; else nobody (the operator decides).
 */
export interface Routing {
  readonly department: string | null;
  readonly reason: string;
}

/** A scenario this likely is taken as the request's. */
const CONFIDENT = 0.5;

export function route(text: string, suggestions: readonly Suggestion[], flags: readonly Flag[], intent: Intent, rules: CompiledRules): Routing {
  const emergency = flags.find((f) => f.kind === 'urgent' && f.referral);
  if (emergency) return { department: emergency.referral!, reason: '紧急事项，立即转110/119/120' };
  const rule = (when: 'always' | 'no_scenario') => rules.routing.find((r) => r.rule.when === when && (!r.rule.intent || r.rule.intent === intent) && r.signals.some((s) => s.match(text)));
  const always = rule('always');
  if (always) return { department: always.rule.department, reason: always.rule.reason };
  const referred = flags.find((f) => f.kind === 'unreasonable' && f.referral);
  if (referred) return { department: referred.referral!, reason: `不合理诉求转介：${referred.basis ?? ''}` };
  const best = suggestions[0];
  if (best && best.score >= CONFIDENT) return { department: best.department, reason: `知识库场景“${best.title}”的责任部门` };
  const fallback = rule('no_scenario');
  if (fallback) return { department: fallback.rule.department, reason: fallback.rule.reason };
  if (best) return { department: best.department, reason: `最接近的场景“${best.title}”的责任部门（把握不大，请核实）` };
  return { department: null, reason: '没有可依据的职责，请话务员判断' };
}
