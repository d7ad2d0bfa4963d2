import type { Flag } from '../flag.ts';
import type { CompiledRules } from '../rules/compiled.ts';
import type { LearnedFlag } from '../rules/schema.ts';
import { firstMatch, type Signal } from '../rules/signal.ts';
import { hasKnownRequest } from './no-request.ts';
import { deniesUrgency } from './urgent.ts';
import type { Utterance } from './utterance.ts';

/** A learned likelihood at which "nothing to ask" holds even where a scenario's words were brushed. */
const SURE = 0.95;

/**
 * Learned flags that stand for a more specific one: a demand resting on feng shui has no
 * factual basis either, but its flag (and script) is superstition's. No example needs both.
 */
const SUBSUMED_BY: Partial<Record<LearnedFlag, LearnedFlag>> = { 'unreasonable.no_factual_basis': 'unreasonable.superstition' };

/**
 * Flags the rules did not raise but the examples (`rules/examples.yaml`) say these words
 * do: each with the words that weighed most, marked `learned`, and the same script, basis
 * and referral as the rule-raised flag of its category. Like the rules, it only suggests:
 * the operator confirms or dismisses.
 */
export function detectLearned(u: Utterance, rules: CompiledRules, raised: readonly Flag[]): Flag[] {
  const have = new Set(raised.map((f) => `${f.kind}.${f.category}`));
  const urgent = raised.some((f) => f.kind === 'urgent');
  // Insults and threats the caller reports (他骂我…) are their matter: the rules keep only the
  // words aimed at the operator, and the examples cannot tell the two apart.
  const reported = firstMatch(rules.reportedSpeech, u.text) !== null;
  // A caller who only asks what the hotline accepts makes no demand, whoever judges the words.
  let askingOnly: boolean | undefined;
  let notUrgent: boolean | undefined; // read only when the examples speak of urgency
  const out: Flag[] = [];
  const judged = rules.examples.judge(u.text);
  for (const { flag, probability, evidence } of judged) {
    if (have.has(flag)) continue;
    const specific = SUBSUMED_BY[flag];
    if (specific && (have.has(specific) || judged.some((j) => j.flag === specific))) continue;
    const [kind, category] = flag.split('.') as [string, string];
    // One urgent flag per utterance.
    if (kind === 'urgent' && (urgent || out.some((f) => f.kind === 'urgent') || (notUrgent ??= deniesUrgency(u, rules)))) continue;
    // A request the knowledge base recognises is not "chat", unless the examples are all but
    // sure: small talk (下雨没, 晒太阳) can brush a scenario's words.
    if (kind === 'no_request' && hasKnownRequest(u) && probability < SURE) continue;
    if (reported && (flag === 'abuse.insult' || flag === 'abuse.threat')) continue;
    if (kind === 'unreasonable' && ((askingOnly ??= firstMatch(rules.askingOnly, u.text) !== null) || firstMatch(rules.unreasonable.find((c) => c.category === category)?.unless ?? [], u.text))) continue;
    // A rule of the category that saw these words and ruled them out (拿刀 … 切菜) is not
    // overruled, unless another of its rules saw them and did not (没啥要反映的 … 听听有人说话).
    // Small talk's exclusions are plain words (想问问, 反映): examples all but sure outweigh them too.
    const signals = signalsOf(kind, category, rules);
    const ruledOut = signals.some((s) => s.excludes(u.text)) && !signals.some((s) => s.match(u.text));
    if (ruledOut && !(kind === 'no_request' && probability >= SURE)) continue;
    const made = flagOf(kind, category, rules);
    if (made) out.push({ ...made, evidence: evidence.length ? evidence : [u.text.slice(0, 40)], learned: Math.round(probability * 100) / 100 });
  }
  return out;
}

/** The rules' signals for a flag, whose exclusions the examples respect. */
function signalsOf(kind: string, category: string, rules: CompiledRules): readonly Signal[] {
  if (kind === 'urgent') return rules.urgent.find((c) => c.category === category)?.signals ?? [];
  if (kind === 'unreasonable') return rules.unreasonable.find((c) => c.category === category)?.signals ?? [];
  if (kind === 'abuse') return rules.abuseSignals[category as 'insult' | 'threat' | 'sexual'] ?? [];
  if (kind === 'no_request') return rules.chatOnly;
  return [];
}

function flagOf(kind: string, category: string, rules: CompiledRules): Omit<Flag, 'evidence'> | null {
  const source = rules.source;
  if (kind === 'abuse') {
    const c = source.abuse.categories[category as 'insult' | 'threat' | 'sexual'];
    return { kind, category, severity: c.severity, script: c.script, ...(c.alertSupervisor ? { alertSupervisor: true } : {}) };
  }
  if (kind === 'unreasonable') {
    const c = source.unreasonable.categories[category as keyof typeof source.unreasonable.categories];
    return { kind, category, severity: c.severity, basis: c.basis, script: c.script, ...(c.referral ? { referral: c.referral } : {}) };
  }
  if (kind === 'urgent') {
    const c = source.urgent.categories[category as 'emergency' | 'high'];
    return { kind, category, severity: c.severity, script: c.script, ...(c.department ? { referral: c.department } : {}), ...(c.alertSupervisor ? { alertSupervisor: true } : {}) };
  }
  if (kind === 'no_request') {
    const c = source.noRequest.chat_only;
    return { kind, category: 'chat_only', severity: c.severity, script: c.script };
  }
  return null;
}

/**
 * The rules' flags, less those the examples all but rule out: a rule sees a word (风水, 起火,
 * 信访复查), the examples weigh the whole sentence (a neighbour's superstition is the caller's
 * complaint; a fire put out last week is not an emergency). Repeat flags come from history and
 * always stay, as do the flags `veto.except` names (emergencies: better a false alarm).
 */
export function withoutVetoed(flags: readonly Flag[], u: Utterance, rules: CompiledRules): Flag[] {
  const { below, except } = rules.source.examples.veto;
  if (below <= 0) return [...flags];
  return flags.filter((f) => {
    const key = `${f.kind}.${f.category}` as LearnedFlag;
    return f.kind === 'repeat' || except.includes(key) || rules.examples.probabilityOf(u.text, key) >= below;
  });
}
