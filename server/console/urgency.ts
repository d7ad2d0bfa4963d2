/**
 * How urgent a live call is for the supervisor's wallboard, as pure functions shared by the
 * server (which sends each call's flags in short) and the page (which sorts by them). It
 * imports types only, so the browser bundle takes it as it is.
 *
 * The order: emergencies and threats first (someone may be in danger), then repeated abuse
 * (an operator is being worn down), then other high-severity flags, then everything else.
 * Within a tier: callers waiting for an operator first, then calls in conversation, then
 * calls still in the IVR, each longest first. Only timestamps decide within a phase, so
 * the order does not change as the clock ticks, only when a call changes.
 *
 * @example
 *   const brief = flagBrief(call.flags);            // { worst: 'emergency', keys: ['urgent.emergency'], … }
 *   calls.sort(compareUrgency);                      // most urgent first
 *   urgencyTier(brief) === 'critical'
 */
import type { FlagKind, Severity } from '../assist/flag.ts';

/** The flags on a call in short: what the wallboard shows and sorts by. Dismissed flags do not count. */
export interface FlagBrief {
  /** The most urgent severity among the flags, null when there is none. */
  readonly worst: Severity | null;
  /** `kind.category` of each flag, most urgent first. */
  readonly keys: readonly string[];
  /** The kinds among them, without repeats, most urgent first. */
  readonly kinds: readonly FlagKind[];
  /** How many of the caller's sentences were abusive (0 when none). */
  readonly abuseCount: number;
}

export const NO_FLAGS: FlagBrief = Object.freeze({ worst: null, keys: [], kinds: [], abuseCount: 0 });

/** From the abuse warning count (rules/abuse.yaml `escalation.warnAt`, 2 as shipped): the caller keeps at it. */
export const REPEATED_ABUSE = 2;

export type UrgencyTier = 'critical' | 'abuse' | 'high' | 'normal';
export const URGENCY_TIERS: readonly UrgencyTier[] = ['critical', 'abuse', 'high', 'normal'];

/** What a flag needs to count: the call record's flags and the live flags both fit. */
export interface FlagLike {
  readonly kind: string;
  readonly category: string;
  readonly severity: string;
  readonly count?: number;
  readonly decision?: { readonly decision: 'confirmed' | 'dismissed' };
}

const SEVERITY_RANK: Record<Severity, number> = { emergency: 0, high: 1, medium: 2, low: 3 };
const rankOf = (severity: string) => SEVERITY_RANK[severity as Severity] ?? 4;

export function flagBrief(flags: readonly FlagLike[] | undefined): FlagBrief {
  const standing = (flags ?? []).filter((f) => f.decision?.decision !== 'dismissed').sort((a, b) => rankOf(a.severity) - rankOf(b.severity));
  if (!standing.length) return NO_FLAGS;
  return {
    worst: standing[0]!.severity as Severity,
    keys: standing.map((f) => `${f.kind}.${f.category}`),
    kinds: [...new Set(standing.map((f) => f.kind as FlagKind))],
    abuseCount: Math.max(0, ...standing.filter((f) => f.kind === 'abuse').map((f) => f.count ?? 1)),
  };
}

/** An emergency (fire, gas, injury, self-harm) or a threat against staff. */
export function isCritical(brief: FlagBrief): boolean {
  return brief.worst === 'emergency' || brief.keys.includes('abuse.threat');
}

export function urgencyTier(brief: FlagBrief): UrgencyTier {
  if (isCritical(brief)) return 'critical';
  if (brief.abuseCount >= REPEATED_ABUSE) return 'abuse';
  if (brief.worst === 'high') return 'high';
  return 'normal';
}

/** What the order needs of a call: a CallSummary fits. */
export interface UrgencyInput {
  readonly callSid: string;
  readonly state: string;
  readonly startedAt: string;
  readonly queuedAt?: string;
  readonly operator?: { readonly assignedAt?: string };
  readonly takenOver?: { readonly at: string };
  readonly flagBrief: FlagBrief;
}

export type CallPhase = 'waiting' | 'talking' | 'ivr';
const PHASE_RANK: Record<CallPhase, number> = { waiting: 0, talking: 1, ivr: 2 };

/** Waiting for an operator, in conversation (with an operator or a supervisor), or still in the IVR. */
export function phaseOf(call: UrgencyInput): CallPhase {
  if (call.takenOver || call.operator) return 'talking';
  return call.state === 'queued' ? 'waiting' : 'ivr';
}

/** When the call's current phase began: the duration the wallboard ticks for it. */
export function phaseSince(call: UrgencyInput): string {
  if (call.takenOver) return call.takenOver.at;
  if (call.operator) return call.operator.assignedAt ?? call.queuedAt ?? call.startedAt;
  return (call.state === 'queued' ? call.queuedAt : undefined) ?? call.startedAt;
}

/** Most urgent first; a total order (ties broken by CallSid), so sorting is stable across renders. */
export function compareUrgency(a: UrgencyInput, b: UrgencyInput): number {
  return (
    URGENCY_TIERS.indexOf(urgencyTier(a.flagBrief)) - URGENCY_TIERS.indexOf(urgencyTier(b.flagBrief)) ||
    PHASE_RANK[phaseOf(a)] - PHASE_RANK[phaseOf(b)] ||
    Date.parse(phaseSince(a)) - Date.parse(phaseSince(b)) ||
    (a.callSid < b.callSid ? -1 : a.callSid > b.callSid ? 1 : 0)
  );
}

export function sortByUrgency<T extends UrgencyInput>(calls: readonly T[]): T[] {
  return [...calls].sort(compareUrgency);
}
