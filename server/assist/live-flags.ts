import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { CallRecord, FlagRecord } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import type { RecognitionResult } from '../speech/recognizer.ts';
import type { AssistEngine } from './engine.ts';
import type { Flag } from './flag.ts';
import type { Rules } from './rules/library.ts';

/**
 * Flags on each live call, as the words arrive. Repeat-caller flags are raised when the
 * call starts (from the hashed number's history); the others on the caller's request so
 * far (last two finals plus the sentence being said, partials debounced).
 *
 * No flapping: a flag raised stays raised, with its evidence growing, until the operator
 * dismisses it; a dismissed flag does not come back on the same call. Abuse is counted per
 * abusive sentence: at `escalation.warnAt` the console offers the warning, at
 * `supervisorAt` (or at once for a threat or an emergency) the supervisor is alerted.
 * When the call ends it joins the repeat history with its topic.
 */
export interface LiveFlag extends Flag {
  readonly key: string;
  readonly raisedAt: string;
  readonly count?: number;
  /** Abuse: the count reached the point where the warning recording should be played. */
  readonly warn?: boolean;
  readonly decision?: FlagRecord['decision'];
}

export interface FlagsUpdate {
  readonly callSid: string;
  readonly flags: readonly LiveFlag[];
}

export interface SupervisorAlert {
  readonly callSid: string;
  readonly flag: LiveFlag;
  readonly reason: string;
  readonly at: string;
}

interface CallState {
  finals: string[];
  partial: string;
  timer: NodeJS.Timeout | null;
  flags: Map<string, LiveFlag>;
  abusiveSentences: number;
  alerted: Set<string>;
}

const CONTEXT_FINALS = 2;

export class LiveFlags extends EventEmitter<{ update: [FlagsUpdate]; alert: [SupervisorAlert] }> {
  private readonly calls = new Map<string, CallState>();

  constructor(
    private readonly registry: CallRegistry,
    private readonly engine: AssistEngine,
    private readonly rules: () => Rules,
    private readonly log: Logger,
    private readonly debounceMs = 250,
  ) {
    super();
    registry.on('started', (call) => this.started(call));
    registry.on('transcript', (call, result) => this.heard(call, result));
    registry.on('ended', (call) => this.ended(call));
  }

  /** The flags on a call now (for a console opening it mid-call). */
  current(callSid: string): LiveFlag[] {
    return [...(this.calls.get(callSid)?.flags.values() ?? [])];
  }

  /** The operator confirms or dismisses a flag; the decision is stored on the call. Returns the flag, or null if there is none. */
  decide(call: CallRecord, key: string, decision: 'confirmed' | 'dismissed', by: string): LiveFlag | null {
    const state = this.calls.get(call.callSid);
    const flag = state?.flags.get(key);
    if (!state || !flag) return null;
    const decided: LiveFlag = { ...flag, decision: { decision, by, at: new Date().toISOString() } };
    state.flags.set(key, decided);
    this.publish(call, state);
    return decided;
  }

  close(): void {
    for (const state of this.calls.values()) if (state.timer) clearTimeout(state.timer);
    this.calls.clear();
  }

  private state(callSid: string): CallState {
    let state = this.calls.get(callSid);
    if (!state) this.calls.set(callSid, (state = { finals: [], partial: '', timer: null, flags: new Map(), abusiveSentences: 0, alerted: new Set() }));
    return state;
  }

  private started(call: CallRecord): void {
    this.assess(call, '', false);
  }

  private heard(call: CallRecord, result: RecognitionResult): void {
    if (result.speaker !== 'caller' || !result.text.trim()) return;
    const state = this.state(call.callSid);
    if (result.final) {
      state.finals = [...state.finals, result.text].slice(-CONTEXT_FINALS);
      state.partial = '';
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
      this.assess(call, result.text, true);
      return;
    }
    state.partial = result.text;
    state.timer ??= setTimeout(() => {
      state.timer = null;
      if (this.calls.get(call.callSid) === state) this.assess(call, state.partial, false);
    }, this.debounceMs);
  }

  /** Runs the engine on the request so far; `sentence` is the newest words, for counting abuse. */
  private assess(call: CallRecord, sentence: string, final: boolean): void {
    const state = this.state(call.callSid);
    const request = [...state.finals, state.partial].filter(Boolean).join('，');
    let flags: readonly Flag[];
    let topic: string | undefined;
    try {
      const analysis = this.engine.analyze(request, { callerHash: call.callerHash, atMs: Date.parse(call.startedAt) });
      flags = analysis.flags;
      topic = analysis.suggestions[0]?.id;
      // Abuse counts sentences: the request text holds the last two, so count the newest alone.
      if (final && this.engine.analyze(sentence, { callerHash: null, atMs: Date.now() }).flags.some((f) => f.kind === 'abuse')) state.abusiveSentences++;
    } catch (error) {
      this.log.error({ callSid: call.callSid, err: error }, 'flag detection failed');
      return;
    }
    let changed = false;
    for (const flag of flags) {
      // "Nothing to ask" is judged on whole sentences: a partial is often just its first filler.
      if (flag.kind === 'no_request' && !final) continue;
      const key = `${flag.kind}.${flag.category}`;
      const old = state.flags.get(key);
      if (old?.decision?.decision === 'dismissed') continue;
      const evidence = [...new Set([...(old?.evidence ?? []), ...flag.evidence])].slice(-8);
      const next: LiveFlag = { ...flag, ...(old?.decision ? { decision: old.decision } : {}), key, evidence, raisedAt: old?.raisedAt ?? new Date().toISOString() };
      if (!old || evidence.length !== old.evidence.length || JSON.stringify(old.earlier) !== JSON.stringify(flag.earlier)) {
        state.flags.set(key, next);
        changed = true;
      }
    }
    changed = this.escalate(call, state) || changed;
    if (topic && topic !== call.topic) this.registry.assisted(call, { topic });
    if (changed) this.publish(call, state);
  }

  private escalate(call: CallRecord, state: CallState): boolean {
    const { warnAt, supervisorAt } = this.rules().abuse.escalation;
    let changed = false;
    for (const [key, flag] of state.flags) {
      if (flag.kind === 'abuse' && state.abusiveSentences !== (flag.count ?? 0)) {
        state.flags.set(key, { ...flag, count: state.abusiveSentences, warn: state.abusiveSentences >= warnAt });
        changed = true;
      }
      const current = state.flags.get(key)!;
      const why = current.alertSupervisor ? `${current.kind}.${current.category}` : current.kind === 'abuse' && (current.count ?? 0) >= supervisorAt ? `abuse ×${current.count}` : null;
      if (why && !state.alerted.has(key) && current.decision?.decision !== 'dismissed') {
        state.alerted.add(key);
        this.emit('alert', { callSid: call.callSid, flag: current, reason: why, at: new Date().toISOString() });
      }
    }
    return changed;
  }

  private publish(call: CallRecord, state: CallState): void {
    const flags = [...state.flags.values()];
    this.registry.assisted(call, {
      flags: flags.map((f) => ({ key: f.key, kind: f.kind, category: f.category, severity: f.severity, evidence: f.evidence, raisedAt: f.raisedAt, ...(f.count !== undefined ? { count: f.count } : {}), ...(f.decision ? { decision: f.decision } : {}) })),
    });
    this.emit('update', { callSid: call.callSid, flags });
  }

  private ended(call: CallRecord): void {
    const state = this.calls.get(call.callSid);
    if (state?.timer) clearTimeout(state.timer);
    this.calls.delete(call.callSid);
    this.engine.remember({ callerHash: call.callerHash, atMs: Date.parse(call.startedAt), scenarioId: call.topic ?? call.selfService?.scenarioId ?? null, outcome: call.endReason ?? null });
  }
}
