import type { Intent } from '../ivr/flow.ts';
import type { Speaker } from '../speech/recognizer.ts';

/**
 * A call as the hotline keeps it: who called (raw number for roles that need it, and a
 * keyed hash for history), where the IVR took them, and what was said.
 */
export type CallState = 'ivr' | 'queued' | 'ended';

export type IvrInputKind = 'dtmf' | 'speech' | 'none' | 'invalid';

export interface IvrStep {
  readonly flow: string;
  readonly node: string;
  readonly type: string;
  /** What the caller pressed or said at a menu, and how. */
  readonly input?: string;
  readonly via?: IvrInputKind;
  /** The menu option chosen, by its label (政策咨询…). */
  readonly choice?: string;
  readonly at: string;
}

export interface TranscriptEntry {
  readonly speaker: Speaker;
  readonly text: string;
  readonly offsetMs: number;
  readonly durationMs: number;
  readonly at: string;
}

export interface StreamInfo {
  streamSid: string;
  startedAt: string;
  stoppedAt?: string;
  garbageFrames: number;
  droppedMs: number;
}

/** How the IVR's self-service answer went (直接答复率 counts `resolved`). */
export type SelfServiceOutcome = 'answered' | 'resolved' | 'operator' | 'no_match' | 'no_input';

export interface SelfServiceRecord {
  /** What the caller asked, as Twilio's recogniser heard it. */
  readonly question?: string;
  readonly scenarioId?: string;
  readonly title?: string;
  readonly score?: number;
  readonly outcome: SelfServiceOutcome;
  readonly at: string;
}

/** A knowledge-base answer the operator marked as the one used (for measuring suggestions). */
export interface KbUse {
  readonly id: string;
  /** Its rank among the suggestions shown when it was used (1 = top), null if it was found another way. */
  readonly rank: number | null;
  readonly operator: string;
  readonly at: string;
}

/** A flag raised on the call, with what the operator decided about it (it matters for satisfaction statistics). */
export interface FlagRecord {
  /** `kind.category`, one record per kind and category. */
  readonly key: string;
  readonly kind: string;
  readonly category: string;
  readonly severity: string;
  readonly evidence: readonly string[];
  readonly raisedAt: string;
  /** Abuse: how many of the caller's sentences were abusive. */
  readonly count?: number;
  readonly decision?: { readonly decision: 'confirmed' | 'dismissed'; readonly by: string; readonly at: string };
  /** The caller's words it was raised on (at most 300 characters): a decided flag becomes an example (`npm run examples`). */
  readonly heard?: string;
  /** Raised from the examples, with this likelihood, not by a rule. */
  readonly learned?: number;
}

/** The operator a queued call was given to by the dispatcher. */
export interface OperatorAssignment {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly assignedAt: string;
}

/**
 * The operator's wrap-up (话后小结) of a call: what the request was and who handles it.
 * The draft is what the assist engine made of the caller's words; the operator corrects
 * it and submits the wrap-up, which is stored with who and when.
 */
export interface WrapUpFields {
  readonly intent: Intent;
  /** The knowledge-base scenario the request came to, or null when none fits. */
  readonly scenarioId: string | null;
  readonly department: string;
  readonly departmentReason: string;
  readonly place: string | null;
  readonly summary: string;
  readonly note?: string;
}

export interface WrapUpDraft extends Omit<WrapUpFields, 'department' | 'note'> {
  /** The scenario's title, for showing the operator what the id means. */
  readonly scenarioTitle: string | null;
  /** Null when nothing said which department: the operator must choose one. */
  readonly department: string | null;
}

export interface WrapUp extends WrapUpFields {
  readonly by: string;
  readonly at: string;
}

/**
 * A supervisor stepping into a live call: alerting its operator, taking it over, or ending
 * it. Every attempt is kept on the call, also the ones Twilio refused (`error`), so what
 * happened on an abusive call can be read back later.
 */
export type StepInAction = 'alert_operator' | 'take_over' | 'end';

export interface StepInRecord {
  readonly action: StepInAction;
  readonly by: string;
  readonly byName: string;
  readonly at: string;
  /** alert_operator: what the supervisor tells the operator. */
  readonly message?: string;
  /** end: why the call was ended (kept with the call). */
  readonly reason?: string;
  /** Set when the action failed (Twilio refused or could not be reached); nothing changed on the call. */
  readonly error?: string;
}

/** The supervisor who took the call over from its operator, and when. */
export interface TakeOver {
  readonly username: string;
  readonly displayName: string;
  readonly at: string;
  /** How the supervisor's leg went, once Twilio reports it (`completed` when they spoke with the caller). */
  dialStatus?: string;
}

/** The emergency services a call can be handed to (公安 110, 消防 119, 急救 120). */
export const EMERGENCY_SERVICES = ['110', '119', '120'] as const;
export type EmergencyService = (typeof EMERGENCY_SERVICES)[number];

/**
 * A transfer of the caller to an emergency service (an operator's, a supervisor's or an
 * admin's), done or refused by Twilio (`error`): kept on the call like the step-ins.
 */
export interface TransferRecord {
  readonly to: EmergencyService;
  /** What was dialled: the configured number or SIP address of that service's centre. */
  readonly dialed: string;
  readonly by: string;
  readonly byName: string;
  readonly at: string;
  /** Set when Twilio refused or could not be reached; nothing changed on the call. */
  readonly error?: string;
  /** How the <Dial> to the centre ended (Twilio's DialCallStatus), once Twilio says. */
  dialStatus?: string;
}

/** Dial outcomes in which the centre took the caller. */
export const DIAL_ANSWERED: ReadonlySet<string> = new Set(['completed', 'answered']);

export interface CallRecord {
  readonly callSid: string;
  readonly accountSid: string;
  /** Raw caller number: stored for roles that must call back; never sent to the console or logs. */
  readonly from: string;
  readonly to: string;
  readonly callerHash: string;
  readonly startedAt: string;
  state: CallState;
  twilioStatus: string;
  endedAt?: string;
  endReason?: string;
  queue?: string;
  /** When the caller was put in the operator queue (waiting time starts here). */
  queuedAt?: string;
  intent?: string;
  ivrPath: IvrStep[];
  transcript: TranscriptEntry[];
  stream?: StreamInfo;
  selfService?: SelfServiceRecord;
  kbUsed?: KbUse[];
  /** The knowledge-base scenario the caller's request came to (the repeat detector's topic). */
  topic?: string;
  /** The place the caller named (和平路): with the topic, what a complaint storm is about. */
  place?: string;
  flags?: FlagRecord[];
  operator?: OperatorAssignment;
  /** Pre-filled from the latest analysis of the caller's words, kept after the call ends for the wrap-up. */
  wrapUpDraft?: WrapUpDraft;
  wrapUp?: WrapUp;
  /** Every supervisor step-in on the call, oldest first. */
  stepIns?: StepInRecord[];
  takenOver?: TakeOver;
  /** Every transfer to 110/119/120 tried on the call, oldest first; one without `error` took the caller away. */
  transfers?: TransferRecord[];
}

/** The transfer that took the caller to an emergency service, if one did. */
export function transferredTo(call: { readonly transfers?: readonly TransferRecord[] | undefined }): TransferRecord | undefined {
  // A centre that never answered took no one: the caller came back to the operators.
  return call.transfers?.find((t) => !t.error && (t.dialStatus === undefined || DIAL_ANSWERED.has(t.dialStatus)));
}

/** The last transfer whose centre never answered, while no other has the caller: the supervisor must see it. */
export function unansweredTransfer(call: { readonly transfers?: readonly TransferRecord[] | undefined }): TransferRecord | undefined {
  if (transferredTo(call)) return undefined;
  return call.transfers?.findLast((t) => t.dialStatus !== undefined && !DIAL_ANSWERED.has(t.dialStatus));
}

/** Twilio call statuses after which nothing more happens on the call. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
