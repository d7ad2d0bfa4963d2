import type { Flag } from '../flag.ts';
import { firstMatch } from '../rules/signal.ts';
import type { CompiledRules } from '../rules/compiled.ts';
import type { Utterance } from './utterance.ts';

/**
 * Requests outside what the hotline may accept (不合理不合规诉求), every category of
 * `rules/unreasonable.yaml`, each flag with the rule it rests on and the script to explain
 * it. The system never rejects: the operator confirms or dismisses the flag. A caller who
 * only asks what the hotline accepts (`askingOnly`) makes no demand to flag, and a category's
 * `unless` rules it out (for the examples' flags too).
 */
export function detectUnreasonable(u: Utterance, rules: CompiledRules): Flag[] {
  if (firstMatch(rules.askingOnly, u.text)) return [];
  const flags: Flag[] = [];
  for (const { category, signals, unless } of rules.unreasonable) {
    const evidence = firstMatch(signals, u.text);
    if (!evidence || firstMatch(unless, u.text)) continue;
    const c = rules.source.unreasonable.categories[category as keyof typeof rules.source.unreasonable.categories];
    flags.push({ kind: 'unreasonable', category, severity: c.severity, evidence, basis: c.basis, script: c.script, ...(c.referral ? { referral: c.referral } : {}) });
  }
  return flags;
}
