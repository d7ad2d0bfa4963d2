import type { Flag } from '../flag.ts';
import type { CompiledRules } from '../rules/compiled.ts';
import { firstMatch } from '../rules/signal.ts';
import type { Utterance } from './utterance.ts';

/**
 * Emergencies (fire, gas, someone unconscious, self-harm, violence) and wide-impact
 * failures. A match right after a negation or a past/hypothetical marker (没有着火, 上次
 * 演练起火) is not an event, nor is a whole utterance about a past event, a drill or a plan
 * (`notNow`). An emergency outranks everything else on the call.
 */
const NEGATION_WINDOW = 4;

function negated(text: string, evidence: string, negations: readonly string[]): boolean {
  let at = text.indexOf(evidence);
  while (at >= 0) {
    const before = text.slice(Math.max(0, at - NEGATION_WINDOW - 2), at);
    if (!negations.some((n) => before.includes(n))) return false;
    at = text.indexOf(evidence, at + 1);
  }
  return true;
}

/** The evidence of words of self-harm, unless every one is negated (没想过自杀). */
function selfHarmOf(u: Utterance, rules: CompiledRules): string[] | null {
  const evidence = firstMatch(rules.selfHarm, u.text);
  return evidence && !evidence.every((e) => negated(u.text, e, rules.source.urgent.negations)) ? evidence : null;
}

export function detectUrgent(u: Utterance, rules: CompiledRules): Flag[] {
  const { negations, categories } = rules.source.urgent;
  const flag = (category: 'emergency' | 'high', evidence: string[]): Flag[] => {
    const c = categories[category];
    return [{ kind: 'urgent', category, severity: c.severity, evidence, script: c.script, ...(c.department ? { referral: c.department } : {}), ...(c.alertSupervisor ? { alertSupervisor: true } : {}) }];
  };
  // Self-harm first: 谢谢你们以前帮过我 beside 吃了一整瓶安眠药 is no past event.
  const selfHarm = selfHarmOf(u, rules);
  if (selfHarm) return flag('emergency', selfHarm);
  if (firstMatch(rules.urgentNotNow, u.text)) return [];
  for (const { category, signals } of rules.urgent) {
    for (const signal of signals) {
      const evidence = signal.match(u.text);
      if (!evidence || evidence.every((e) => negated(u.text, e, negations))) continue;
      // One urgent flag: an emergency makes "high" moot.
      return flag(category, evidence);
    }
  }
  return [];
}

/**
 * Whether the caller speaks of an urgent event only to say it is not one now: a past event, a
 * drill or a plan (`notNow`), or every urgent word negated (没有着火). The examples weigh words,
 * not negation, so what they say about urgency yields to this.
 */
export function deniesUrgency(u: Utterance, rules: CompiledRules): boolean {
  if (selfHarmOf(u, rules)) return false;
  if (firstMatch(rules.urgentNotNow, u.text)) return true;
  const { negations } = rules.source.urgent;
  let named = false;
  for (const { signals } of rules.urgent) {
    for (const signal of signals) {
      const evidence = signal.match(u.text);
      if (!evidence) continue;
      if (!evidence.every((e) => negated(u.text, e, negations))) return false;
      named = true;
    }
  }
  return named;
}
