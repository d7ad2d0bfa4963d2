import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { maskPhone } from '../log.ts';
import type { RecognitionResult } from '../speech/recognizer.ts';
import type { CallStore } from '../store/store.ts';
import { callerHash } from './caller-hash.ts';
import { TERMINAL_STATUSES, transferredTo, type CallRecord, type IvrStep, type FlagRecord, type KbUse, type OperatorAssignment, type SelfServiceRecord, type StepInRecord, type StreamInfo, type TransferRecord, type WrapUp, type WrapUpDraft, type WrapUpFields } from './call.ts';

/**
 * The one registry of live calls, keyed by CallSid. Webhooks, the media socket and the
 * console all find a call here; it tells the store what to write and the console what
 * happened, and it says when it is idle so shutdown can drain.
 *
 * A call ends when Twilio reports a final status and its media stream, if any, has
 * stopped and flushed its last words; whichever of the two is missing after
 * `settleMs` is not waited for any longer.
 *
 * Ended calls stay findable (`find`) for `keepEndedMs`: the operator writes the wrap-up
 * after the caller has hung up, and may reload the page while doing so.
 */
export interface CallEvents {
  started: [call: CallRecord];
  ivr: [call: CallRecord, step: IvrStep];
  queued: [call: CallRecord];
  assigned: [call: CallRecord];
  transcript: [call: CallRecord, result: RecognitionResult];
  ended: [call: CallRecord];
  drafted: [call: CallRecord, draft: WrapUpDraft];
  wrappedUp: [call: CallRecord, wrapUp: WrapUp];
  /** A supervisor stepped in (or tried to): the record is on the call too. */
  steppedIn: [call: CallRecord, record: StepInRecord];
  /** A supervisor took the call over, or Twilio reported how their leg went. */
  takenOver: [call: CallRecord];
  /** An ended call left the window in which it can still be found (`keepEndedMs`). */
  forgotten: [callSid: string];
  /** A transfer to 110/119/120 was tried (done, or refused: `record.error`); the record is on the call too. */
  transferred: [call: CallRecord, record: TransferRecord];
}

/** The end reason of a call a supervisor ended. */
export const ENDED_BY_SUPERVISOR = 'ended by supervisor';

/** Bounds the memory ended calls take on a busy day; older ones are in the store. */
const MAX_ENDED_KEPT = 5000;

export interface IncomingCall {
  readonly callSid: string;
  readonly accountSid: string;
  readonly from: string;
  readonly to: string;
  readonly status: string;
}

export interface RegistryOptions {
  readonly store: CallStore;
  readonly callerHashSecret: string;
  readonly logger: Logger;
  /** How long to wait for the missing half (final status or stream stop) before ending a call anyway. */
  readonly settleMs?: number;
  /** Calls with no activity for this long are ended as stale (the status callback never came). */
  readonly staleMs?: number;
  /** How long an ended call stays findable for its wrap-up. */
  readonly keepEndedMs?: number;
  readonly now?: () => Date;
}

export class CallRegistry extends EventEmitter<CallEvents> {
  private readonly live = new Map<string, CallRecord>();
  /** Ended calls, oldest end first (a Map keeps insertion order). */
  private readonly ended = new Map<string, CallRecord>();
  private readonly streamsOpen = new Set<string>();
  private readonly settleTimers = new Map<string, NodeJS.Timeout>();
  private readonly lastActivity = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly now: () => Date;
  private readonly settleMs: number;
  private readonly staleMs: number;
  private readonly keepEndedMs: number;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly options: RegistryOptions) {
    super();
    this.now = options.now ?? (() => new Date());
    this.settleMs = options.settleMs ?? 15_000;
    this.staleMs = options.staleMs ?? 4 * 3_600_000;
    this.keepEndedMs = options.keepEndedMs ?? 12 * 3_600_000;
  }

  /** Restores calls still live at the last shutdown, and starts the stale-call sweeper. */
  async restore(sinceMs: number): Promise<number> {
    const calls = await this.options.store.load(sinceMs);
    const endedSince = this.now().getTime() - this.keepEndedMs;
    const ended = calls.filter((c) => c.state === 'ended' && c.endedAt && Date.parse(c.endedAt) >= endedSince);
    for (const call of ended.sort((a, b) => a.endedAt!.localeCompare(b.endedAt!))) this.ended.set(call.callSid, call);
    this.trimEnded();
    for (const call of calls) {
      if (call.state === 'ended') continue;
      this.live.set(call.callSid, call);
      this.touch(call.callSid);
    }
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.staleMs, 60_000));
    this.sweeper.unref();
    return this.live.size;
  }

  get(callSid: string): CallRecord | undefined {
    return this.live.get(callSid);
  }

  /** A live call, or one that ended within `keepEndedMs`. */
  find(callSid: string): CallRecord | undefined {
    return this.live.get(callSid) ?? this.ended.get(callSid);
  }

  /** Calls that ended within `keepEndedMs`, oldest end first. */
  endedCalls(): CallRecord[] {
    return [...this.ended.values()];
  }

  liveCalls(): CallRecord[] {
    return [...this.live.values()];
  }

  get size(): number {
    return this.live.size;
  }

  /** The incoming-call webhook. Idempotent: Twilio retries, and a second request finds the same call. */
  start(incoming: IncomingCall): CallRecord {
    const existing = this.live.get(incoming.callSid);
    if (existing) return existing;
    const call: CallRecord = {
      callSid: incoming.callSid,
      accountSid: incoming.accountSid,
      from: incoming.from,
      to: incoming.to,
      callerHash: callerHash(this.options.callerHashSecret, incoming.from),
      startedAt: this.now().toISOString(),
      state: 'ivr',
      twilioStatus: incoming.status,
      ivrPath: [],
      transcript: [],
    };
    this.live.set(call.callSid, call);
    this.touch(call.callSid);
    this.options.store.save(call);
    this.options.logger.info({ callSid: call.callSid, caller: maskPhone(call.from) }, 'call started');
    this.emit('started', call);
    return call;
  }

  ivrStep(call: CallRecord, step: Omit<IvrStep, 'at'>): void {
    const full: IvrStep = { ...step, at: this.now().toISOString() };
    call.ivrPath.push(full);
    this.changed(call);
    this.emit('ivr', call, full);
  }

  /** Records how the IVR's self-service answer went; the latest outcome replaces the earlier one. */
  selfService(call: CallRecord, record: Omit<SelfServiceRecord, 'at'>): void {
    call.selfService = { ...call.selfService, ...record, at: this.now().toISOString() };
    this.changed(call);
  }

  /** Records the flags on a call and the topic and place of its request, as the assist engine sees them now. */
  assisted(call: CallRecord, update: { topic?: string | undefined; place?: string | undefined; flags?: FlagRecord[] | undefined }): void {
    if (update.topic !== undefined) call.topic = update.topic;
    if (update.place !== undefined) call.place = update.place;
    if (update.flags !== undefined) call.flags = update.flags;
    // A flag decided after the caller hung up: the record is saved, the call is not live again.
    if (call.state === 'ended') this.options.store.save(call);
    else this.changed(call);
  }

  /** The wrap-up draft, as the assist engine makes it from the caller's words. */
  drafted(call: CallRecord, draft: WrapUpDraft): void {
    call.wrapUpDraft = draft;
    this.changed(call);
    this.emit('drafted', call, draft);
  }

  /** The operator's wrap-up, live or after the call ended; a later one replaces it. */
  wrapUp(call: CallRecord, fields: WrapUpFields, by: string): WrapUp {
    const wrapUp: WrapUp = { ...fields, by, at: this.now().toISOString() };
    call.wrapUp = wrapUp;
    if (call.state === 'ended') this.options.store.save(call);
    else this.changed(call);
    this.emit('wrappedUp', call, wrapUp);
    return wrapUp;
  }

  /** Records the knowledge-base answer an operator used on the call. */
  kbUsed(call: CallRecord, use: Omit<KbUse, 'at'>): KbUse {
    const full: KbUse = { ...use, at: this.now().toISOString() };
    (call.kbUsed ??= []).push(full);
    this.changed(call);
    return full;
  }

  queued(call: CallRecord, queue: string, intent: string | undefined): void {
    call.state = 'queued';
    call.queue = queue;
    call.queuedAt = this.now().toISOString();
    if (intent) call.intent = intent;
    this.changed(call);
    this.emit('queued', call);
  }

  /** Gives a queued call to an operator (the dispatcher decides who). */
  assign(call: CallRecord, operator: Omit<OperatorAssignment, 'assignedAt'>): void {
    call.operator = { ...operator, assignedAt: this.now().toISOString() };
    this.changed(call);
    this.options.logger.info({ callSid: call.callSid, operator: operator.username }, 'call assigned');
    this.emit('assigned', call);
  }

  /** Records a supervisor's step-in (done or failed) on the call. */
  stepIn(call: CallRecord, record: Omit<StepInRecord, 'at'>): StepInRecord {
    const full: StepInRecord = { ...record, at: this.now().toISOString() };
    (call.stepIns ??= []).push(full);
    this.changed(call);
    this.options.logger.info({ callSid: call.callSid, action: full.action, by: full.by, failed: Boolean(full.error) }, 'supervisor step-in');
    this.emit('steppedIn', call, full);
    return full;
  }

  /** Records a transfer to an emergency service (done or failed); a done one frees the operator (dispatcher). */
  transfer(call: CallRecord, record: Omit<TransferRecord, 'at'>): TransferRecord {
    const full: TransferRecord = { ...record, at: this.now().toISOString() };
    (call.transfers ??= []).push(full);
    this.changed(call);
    this.options.logger.info({ callSid: call.callSid, to: full.to, by: full.by, failed: Boolean(full.error) }, 'emergency transfer');
    this.emit('transferred', call, full);
    return full;
  }

  /** How the <Dial> of the call's transfer ended (Twilio's DialCallStatus). */
  transferDialed(call: CallRecord, dialStatus: string): TransferRecord | undefined {
    const record = transferredTo(call);
    if (!record) return undefined;
    record.dialStatus = dialStatus;
    this.changed(call);
    this.options.logger.info({ callSid: call.callSid, to: record.to, dialStatus }, 'emergency transfer leg ended');
    this.emit('transferred', call, record);
    return record;
  }

  /** A supervisor has the caller now: the operator's leg is gone (the dispatcher frees them). */
  takenOver(call: CallRecord, by: { username: string; displayName: string }): void {
    call.takenOver = { username: by.username, displayName: by.displayName, at: this.now().toISOString() };
    this.changed(call);
    this.emit('takenOver', call);
  }

  /** How the supervisor's leg of a taken-over call went (Twilio's DialCallStatus). */
  takeOverDialed(call: CallRecord, dialStatus: string): void {
    if (!call.takenOver) return;
    call.takenOver.dialStatus = dialStatus;
    this.changed(call);
    this.emit('takenOver', call);
  }

  /**
   * Nobody answered a take-over or an emergency transfer: the caller goes back to the
   * operator queue they came from, to be given to the next free operator.
   */
  backToQueue(call: CallRecord): void {
    if (!call.queue) return;
    delete call.operator;
    delete call.takenOver; // the attempt stays in stepIns
    this.queued(call, call.queue, call.intent);
  }

  streamStarted(call: CallRecord, streamSid: string): StreamInfo {
    call.stream = { streamSid, startedAt: this.now().toISOString(), garbageFrames: 0, droppedMs: 0 };
    this.streamsOpen.add(call.callSid);
    this.changed(call);
    return call.stream;
  }

  /** The stream has stopped and its recognisers have flushed. */
  streamStopped(call: CallRecord): void {
    if (call.stream) call.stream.stoppedAt = this.now().toISOString();
    this.streamsOpen.delete(call.callSid);
    this.changed(call);
    if (TERMINAL_STATUSES.has(call.twilioStatus)) this.end(call, 'completed');
    else this.settleLater(call, 'stream stopped without a final call status');
  }

  transcript(call: CallRecord, result: RecognitionResult): void {
    if (result.final) {
      call.transcript.push({
        speaker: result.speaker,
        text: result.text,
        offsetMs: Math.round(result.offsetMs),
        durationMs: Math.round(result.durationMs),
        at: this.now().toISOString(),
      });
      this.changed(call);
    } else {
      this.touch(call.callSid);
    }
    this.emit('transcript', call, result);
  }

  /** The status callback (and the status field of any webhook). */
  status(callSid: string, status: string): void {
    const call = this.live.get(callSid);
    if (!call || call.twilioStatus === status) return;
    call.twilioStatus = status;
    this.changed(call);
    if (!TERMINAL_STATUSES.has(status)) return;
    if (!this.streamsOpen.has(callSid)) this.end(call, status);
    else this.settleLater(call, `final status ${status} but the media stream did not stop`);
  }

  /** Resolves when no call is live (for a graceful shutdown). */
  idle(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const t of this.settleTimers.values()) clearTimeout(t);
    this.settleTimers.clear();
  }

  private end(call: CallRecord, reason: string): void {
    if (call.state === 'ended') return;
    clearTimeout(this.settleTimers.get(call.callSid));
    this.settleTimers.delete(call.callSid);
    call.state = 'ended';
    call.endedAt = this.now().toISOString();
    // Twilio reports `completed` whoever hung up: the record says a supervisor ended it.
    call.endReason = call.stepIns?.some((s) => s.action === 'end' && !s.error) ? ENDED_BY_SUPERVISOR : reason;
    this.options.store.save(call);
    this.live.delete(call.callSid);
    this.keepEnded(call);
    this.streamsOpen.delete(call.callSid);
    this.lastActivity.delete(call.callSid);
    this.options.logger.info({ callSid: call.callSid, reason, lines: call.transcript.length }, 'call ended');
    this.emit('ended', call);
    if (this.live.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  private keepEnded(call: CallRecord): void {
    this.ended.set(call.callSid, call);
    this.trimEnded();
  }

  private trimEnded(): void {
    const cutoff = this.now().getTime() - this.keepEndedMs;
    for (const [sid, old] of this.ended) {
      if (Date.parse(old.endedAt ?? old.startedAt) >= cutoff && this.ended.size <= MAX_ENDED_KEPT) break;
      this.ended.delete(sid);
      this.emit('forgotten', sid);
    }
  }

  private settleLater(call: CallRecord, reason: string): void {
    if (this.settleTimers.has(call.callSid)) return;
    const timer = setTimeout(() => {
      this.settleTimers.delete(call.callSid);
      this.options.logger.warn({ callSid: call.callSid }, `ending call: ${reason}`);
      this.end(call, reason);
    }, this.settleMs);
    timer.unref();
    this.settleTimers.set(call.callSid, timer);
  }

  private changed(call: CallRecord): void {
    this.touch(call.callSid);
    this.options.store.save(call);
  }

  private touch(callSid: string): void {
    this.lastActivity.set(callSid, this.now().getTime());
  }

  private sweep(): void {
    const cutoff = this.now().getTime() - this.staleMs;
    for (const [sid, at] of this.lastActivity) {
      const call = this.live.get(sid);
      if (call && at < cutoff) this.end(call, 'stale: no activity and no final status');
    }
  }
}
