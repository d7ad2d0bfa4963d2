/**
 * A flag raised on what a caller said: its kind and category (`flags.tsv`), how urgent it
 * is, the words it rests on, and what the operator needs to act: the script to read, the
 * rule it rests on, where to refer the caller, the earlier calls.
 */
export type FlagKind = 'abuse' | 'repeat' | 'no_request' | 'unreasonable' | 'urgent';
export type Severity = 'emergency' | 'high' | 'medium' | 'low';

export interface EarlierCall {
  readonly at: string;
  readonly scenarioId: string | null;
  readonly outcome: string | null;
}

export interface Flag {
  readonly kind: FlagKind;
  readonly category: string;
  readonly severity: Severity;
  readonly evidence: readonly string[];
  readonly script?: string;
  readonly basis?: string;
  /** The department the caller should be referred to instead. */
  readonly referral?: string;
  /** The supervisor should hear of this now. */
  readonly alertSupervisor?: boolean;
  /** Repeat flags: the caller's earlier calls, newest first. */
  readonly earlier?: readonly EarlierCall[];
  /** Raised from the examples, not by a rule: how likely they make it (0–1). */
  readonly learned?: number;
}

const ORDER: Record<Severity, number> = { emergency: 0, high: 1, medium: 2, low: 3 };

/** Most urgent first. */
export function bySeverity(a: Flag, b: Flag): number {
  return ORDER[a.severity] - ORDER[b.severity];
}
