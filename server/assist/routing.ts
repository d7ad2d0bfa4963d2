import type { Intent } from '../ivr/flow.ts';
import type { Flag } from './flag.ts';
import type { CompiledRules } from './rules/compiled.ts';
import type { Suggestion } from './suggestion.ts';

/**
 * The department responsible by the responsibility list (按责转办), with the reason shown
 * to the operator. The rules and the knowledge base propose one, in order:
 *  1. an emergency goes to 110/119/120 (final: never rerouted);
 *  2. a routing rule marked `always` (a duty the list gives a department no scenario covers: aircraft noise, petitions, traffic signals),
 *     those for one kind of request (`intent`) only for that kind;
 *  3. the referral of an unreasonable request (market pricing → 12315, petition-closed → petition);
 *  4. the fitting scenario's department;
 *  5. the routing rules for requests no scenario fits, functional departments before the community;
 *  6. the best candidate's department, however unsure; else nobody.
 * Then the examples labelled with where calls were dispatched have their say: their department
 * is taken when it is more likely than the proposed one by the file's margin (by any margin
 * over a weak candidate of step 6), or when nothing was proposed; a department no example
 * teaches stands, and only an urgent flag sends a call to 110/119/120. A scenario can fit on words
 * that are not the matter's (不是, 昨天, 单子), and a rule's words can be said of another
 * matter (有本事去法院告); what such calls were dispatched to says more.
 */
export interface Routing {
  readonly department: string | null;
  readonly reason: string;
}

/** A scenario this likely is taken as the request's. */
const CONFIDENT = 0.5;
/** Below this the learned department is shown as unsure. */
const LIKELY = 0.5;

export function route(text: string, suggestions: readonly Suggestion[], flags: readonly Flag[], intent: Intent, rules: CompiledRules): Routing {
  const emergency = flags.find((f) => f.kind === 'urgent' && f.referral);
  if (emergency) return { department: emergency.referral!, reason: '紧急事项，立即转110/119/120' };
  const { weak, ...proposed } = propose(text, suggestions, flags, intent, rules);
  const learned = rules.examples.departmentOf(text);
  if (!learned || learned.department === proposed.department) return proposed;
  // Only an urgent flag sends a call to 110/119/120: the flag detectors weigh what is happening now.
  if (rules.urgentDepartments.has(learned.department)) return proposed;
  const { margin, threshold } = rules.examples.departmentThresholds;
  const sure = Math.round(learned.probability * 100);
  const taken = `相似来电多转此部门办理（派单样例，把握${sure}%${learned.probability < LIKELY ? '，请核实' : ''}）`;
  if (proposed.department === null) return learned.probability >= threshold ? { department: learned.department, reason: taken } : proposed;
  // A department no example teaches is one the examples cannot speak against.
  const against = rules.examples.departmentProbability(text, proposed.department);
  if (against !== null && learned.probability > against + (weak ? 0 : margin)) return { department: learned.department, reason: `${taken}；另一可能：${proposed.reason}` };
  return proposed;
}

/** What the rules and the knowledge base say, steps 2–6. */
function propose(text: string, suggestions: readonly Suggestion[], flags: readonly Flag[], intent: Intent, rules: CompiledRules): Routing & { weak?: true } {
  const rule = (when: 'always' | 'no_scenario') => rules.routing.find((r) => r.rule.when === when && (!r.rule.intent || r.rule.intent === intent) && r.signals.some((s) => s.match(text)));
  const always = rule('always');
  if (always) return { department: always.rule.department, reason: always.rule.reason };
  const referred = flags.find((f) => f.kind === 'unreasonable' && f.referral);
  if (referred) return { department: referred.referral!, reason: `不合理诉求转介：${referred.basis ?? ''}` };
  const best = suggestions[0];
  if (best && best.score >= CONFIDENT) return { department: best.department, reason: `知识库场景“${best.title}”的责任部门` };
  const fallback = rule('no_scenario');
  if (fallback) return { department: fallback.rule.department, reason: fallback.rule.reason };
  if (best) return { department: best.department, reason: `最接近的场景“${best.title}”的责任部门（把握不大，请核实）`, weak: true };
  return { department: null, reason: '没有可依据的职责，请话务员判断' };
}
