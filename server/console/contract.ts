/**
 * The console's socket.io contract (namespace `/console`), shared by the server and the
 * page in agent-console/. Callers' numbers never cross it unmasked.
 */
import type { FlagsUpdate, LiveFlag, SupervisorAlert } from '../assist/live-flags.ts';
import type { SuggestionUpdate } from '../assist/live-suggestions.ts';
import type { Suggestion } from '../assist/suggestion.ts';
import type { CallState, EmergencyService, IvrStep, KbUse, SelfServiceRecord, StepInAction, StepInRecord, TakeOver, TranscriptEntry, TransferRecord, WrapUp, WrapUpDraft, WrapUpFields } from '../calls/call.ts';
import type { Principal, Role } from '../auth/roles.ts';
import type { OperatorState, OperatorStatus, QueueLength } from '../calls/dispatcher.ts';
import type { Speaker } from '../speech/recognizer.ts';
import type { FlagBrief } from './urgency.ts';

export const CONSOLE_NAMESPACE = '/console';

export interface CallSummary {
  readonly callSid: string;
  /** Masked: +86 138****1234. */
  readonly caller: string;
  readonly state: CallState;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly queue?: string;
  /** When the caller entered the operator queue: the wallboard's waiting time starts here. */
  readonly queuedAt?: string;
  readonly intent?: string;
  readonly ivrPath: readonly IvrStep[];
  /** The flags in short (worst severity, kinds, abuse count), for the wallboard and its urgency order (urgency.ts). */
  readonly flagBrief: FlagBrief;
  /** Supervisors' step-ins on the call, oldest first, failed attempts too. */
  readonly stepIns: readonly StepInRecord[];
  /** Transfers to 110/119/120 tried on the call, oldest first, failed ones too; one without `error` took the caller there. */
  readonly transfers: readonly TransferRecord[];
  /** Set once a supervisor took the call over: the caller talks with them, not the operator. */
  readonly takenOver?: TakeOver;
  /** What the caller asked the IVR's self-service, and how it went. */
  readonly selfService?: SelfServiceRecord;
  /** The operator the call was given to. */
  readonly operator?: { readonly username: string; readonly displayName: string; readonly assignedAt: string };
  /** The operator's submitted wrap-up (话后小结), with who and when. */
  readonly wrapUp?: WrapUp;
}

export interface CallDetail extends CallSummary {
  readonly transcript: readonly TranscriptEntry[];
  /** The knowledge-base suggestions on screen now. */
  readonly suggestions: readonly Suggestion[];
  readonly kbUsed: readonly KbUse[];
  readonly flags: readonly LiveFlag[];
  /** The wrap-up pre-filled from the caller's words; null until they said something. */
  readonly wrapUpDraft: WrapUpDraft | null;
}

/** The operator's wrap-up of a call, live or ended; `note` is their own remark. */
export interface WrapUpRequest extends WrapUpFields {
  readonly callSid: string;
}

export type WrapUpResult = { ok: true; wrapUp: WrapUp } | { ok: false; error: string };

export interface WrapUpDraftUpdate {
  readonly callSid: string;
  readonly draft: WrapUpDraft;
}

/** An operator confirming or dismissing a flag (the system never rejects a request by itself). */
export interface FlagDecisionRequest {
  readonly callSid: string;
  readonly key: string;
  readonly decision: 'confirmed' | 'dismissed';
}

export type FlagDecisionResult = { ok: true; flag: LiveFlag } | { ok: false; error: string };

/** An operator marking the suggestion they used; `rank` is its place in the list (1 = top), null if found another way. */
export interface KbUseRequest {
  readonly callSid: string;
  readonly id: string;
  readonly rank: number | null;
}

/** An operator alerting the supervisors about a flag on their call. */
export interface EscalationRequest {
  readonly callSid: string;
  readonly key: string;
}

export type KbUseResult = { ok: true; use: KbUse } | { ok: false; error: string };

export interface TranscriptLine {
  readonly callSid: string;
  readonly speaker: Speaker;
  readonly text: string;
  readonly final: boolean;
  readonly offsetMs: number;
  readonly durationMs: number;
}

export interface ServerInfo {
  readonly speech: 'azure' | 'emulator';
  readonly version: string;
}

/** Who this socket acts for. */
export interface ConsoleIdentity {
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** The service token (tools): sees every call, acts on none. */
  readonly service: boolean;
}

export type { EmergencyService, FlagBrief, OperatorState, OperatorStatus, QueueLength, StepInAction, StepInRecord, TakeOver, TransferRecord };

/**
 * Hands the caller to an emergency service: Twilio tells them in Mandarin they are being
 * connected and dials the centre configured for `to` (EMERGENCY_DIAL_110/119/120). The
 * call's operator, supervisors and admins only; on success the call leaves the operator
 * (after-call work, as after a take-over).
 */
export interface TransferRequest {
  readonly callSid: string;
  readonly to: EmergencyService;
}

export type TransferResult = { ok: true; transfer: TransferRecord } | { ok: false; error: string };

/**
 * A supervisor or an admin stepping into a live call (others are refused):
 * - `alert_operator`: the call's operator sees `message` at once (event `call:step-in`);
 * - `take_over`: Twilio moves the caller to the supervisor's softphone (Twilio Client
 *   identity = their username); the operator's leg drops and they go to after-call work;
 *   if the supervisor does not answer, the caller goes back to the queue;
 * - `end`: Twilio hangs the call up; `reason` is kept on the call.
 */
export type StepInRequest =
  | { readonly callSid: string; readonly action: 'alert_operator'; readonly message: string }
  | { readonly callSid: string; readonly action: 'take_over' }
  | { readonly callSid: string; readonly action: 'end'; readonly reason: string };

export type StepInResult = { ok: true; stepIn: StepInRecord } | { ok: false; error: string };

/** What a wallboard needs whole, asked for when it opens and after each reconnection (the events then keep it current). */
export interface WallboardSnapshot {
  readonly calls: CallSummary[];
  readonly operators: OperatorStatus[];
  readonly queues: QueueLength[];
}

export type WallboardResult = { ok: true; board: WallboardSnapshot } | { ok: false; error: string };

/** A step-in that happened on a call (failed ones go to the supervisor's ack only). */
export interface StepInEvent {
  readonly callSid: string;
  readonly stepIn: StepInRecord;
}
export type OperatorStateResult = { ok: true; status: OperatorStatus } | { ok: false; error: string };

/**
 * What reaches whom: an operator receives the events of the calls assigned to them
 * (socket.io room `call:<CallSid>`) and their own state; supervisors, managers, admins
 * and the service token receive every call's events (room `supervisors`) and every
 * operator's state.
 */
export interface ServerToClientEvents {
  'server:info': (info: ServerInfo) => void;
  'session:identity': (me: ConsoleIdentity) => void;
  /** An operator's state (available, busy, after-call work): their own, or everyone's for supervisors. */
  'operator:state': (status: OperatorStatus) => void;
  'calls:snapshot': (calls: CallSummary[]) => void;
  'call:started': (call: CallSummary) => void;
  'call:updated': (call: CallSummary) => void;
  'call:ivr': (event: { callSid: string; step: IvrStep }) => void;
  'transcript:partial': (line: TranscriptLine) => void;
  'transcript:final': (line: TranscriptLine) => void;
  'call:ended': (event: { callSid: string; endedAt: string; reason: string }) => void;
  /** The knowledge-base answers for a call's current request, best first, stable while the caller speaks. */
  'suggestions:update': (update: SuggestionUpdate) => void;
  /** The flags on a call, whole, whenever one is raised, grows or is decided. */
  'flags:update': (update: FlagsUpdate) => void;
  /** The wrap-up draft of a call, whole, whenever the caller's words change it. */
  'wrapup:draft': (update: WrapUpDraftUpdate) => void;
  /** Supervisors (and managers, admins, the service token): every operator's state, whole, on connect; `operator:state` follows each change. */
  'operators:snapshot': (operators: OperatorStatus[]) => void;
  /** Supervisors and above: calls waiting for an operator per queue, whole, on connect and on each change. */
  'queues:update': (queues: QueueLength[]) => void;
  /** A supervisor alerted the operator, took the call over or ended it: to the call's operator and the supervisors. */
  'call:step-in': (event: StepInEvent) => void;
  /** For supervisors (and the call's operator): a threat, an emergency, repeated abuse. */
  'alert:supervisor': (alert: SupervisorAlert & { caller: string }) => void;
}

export type CallLookup = { ok: true; call: CallDetail } | { ok: false; error: string };

export interface ClientToServerEvents {
  /** The whole call so far: summary and final transcript. */
  'call:get': (callSid: string, ack: (result: CallLookup) => void) => void;
  /** Records which knowledge-base answer the operator used on the call. */
  'kb:used': (request: KbUseRequest, ack: (result: KbUseResult) => void) => void;
  'flag:decide': (request: FlagDecisionRequest, ack: (result: FlagDecisionResult) => void) => void;
  /** Plays the warning to an abusive caller and ends the call (offered once the abuse count reaches `warnAt`). */
  'call:warn': (callSid: string, ack: (result: { ok: true } | { ok: false; error: string }) => void) => void;
  /**
   * Stores the wrap-up on the call (live, or ended within the registry's window): its
   * operator, a supervisor or an admin only. Errors name the field: `summary: …`.
   */
  'call:wrapup': (request: WrapUpRequest, ack: (result: WrapUpResult) => void) => void;
  /** Every live call, operator state and queue at once: supervisors, managers, admins and the service token; operators are refused. */
  'wallboard:get': (ack: (result: WallboardResult) => void) => void;
  /** A supervisor or an admin steps into a live call (see StepInRequest); everyone else is refused. */
  'call:step-in': (request: StepInRequest, ack: (result: StepInResult) => void) => void;
  /** An operator setting their own state; refused for other roles. */
  'operator:state': (state: OperatorState, ack: (result: OperatorStateResult) => void) => void;
  /** Transfers the caller to 110/119/120 (see TransferRequest); refused for others' calls, managers and the service token. */
  'call:transfer': (request: TransferRequest, ack: (result: TransferResult) => void) => void;
  /**
   * The call's operator asking the supervisors to look at a flag now: they receive
   * `alert:supervisor` (reason `operator`). Refused for others' calls and the service token.
   */
  'call:escalate': (request: EscalationRequest, ack: (result: { ok: true } | { ok: false; error: string }) => void) => void;
}

/** Set by the namespace's authentication middleware from the session cookie or the service token. */
export type SocketData = Principal;
