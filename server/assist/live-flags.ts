import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { CallRecord, FlagRecord } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import type { Analysis, AssistEngine } from './engine.ts';
import type { Flag } from './flag.ts';
import type { CallAnalysis, LiveSuggester } from './live-suggestions.ts';
import type { Rules } from './rules/library.ts';

/**
 * Flags on each live call, as the words arrive. Repeat-caller flags are raised when the
 * call starts (from the hashed number's history); the others from each analysis of the
 * caller's request that `LiveSuggester` makes (one engine run serves both).
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
  /** The caller's words it was first raised on. */
  readonly heard?: string;
}

/** What is kept of the words a flag was raised on: the request's last sentences. */
const HEARD_CHARS = 300;

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
  flags: Map<string, LiveFlag>;
  /** Flags whose `heard` came from a whole sentence (one from a partial is replaced by the first whole one). */
  heardWhole: Set<string>;
  abusiveSentences: number;
  alerted: Set<string>;
}

export class LiveFlags extends EventEmitter<{ update: [FlagsUpdate]; alert: [SupervisorAlert] }> {
  private readonly calls = new Map<string, CallState>();

  constructor(
    private readonly registry: CallRegistry,
    analyses: LiveSuggester,
    private readonly engine: AssistEngine,
    private readonly rules: () => Rules,
    private readonly log: Logger,
  ) {
    super();
    registry.on('started', (call) => this.started(call));
    analyses.on('analysis', (a) => this.analysed(a));
    registry.on('ended', (call) => this.ended(call));
    // An ended call's flags stay decidable while the call can be found (the operator's after-call work).
    registry.on('forgotten', (callSid) => this.calls.delete(callSid));
  }

  /** The flags on a call now (for a console opening it mid-call). */
  current(callSid: string): LiveFlag[] {
    return [...(this.calls.get(callSid)?.flags.values() ?? [])];
  }

  /**
   * The operator confirms or dismisses a flag, during the call or after it (while it can be
   * found); the decision is stored on the call. Returns the flag, or null if there is none.
   */
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
    this.calls.clear();
  }

  private state(callSid: string): CallState {
    let state = this.calls.get(callSid);
    if (!state) this.calls.set(callSid, (state = { flags: new Map(), heardWhole: new Set(), abusiveSentences: 0, alerted: new Set() }));
    return state;
  }

  /** Before anyone speaks: the repeat flags from the number's history. */
  private started(call: CallRecord): void {
    let analysis: Analysis;
    try {
      analysis = this.engine.analyze('', { callerHash: call.callerHash, atMs: Date.parse(call.startedAt) });
    } catch (error) {
      this.log.error({ callSid: call.callSid, err: error }, 'repeat-caller lookup failed');
      return;
    }
    this.apply(call, analysis.flags, false, '');
  }

  private analysed({ call, analysis, text, sentence }: CallAnalysis): void {
    const state = this.state(call.callSid);
    // Abuse counts sentences: the request text holds the last two, so the newest is judged alone.
    if (sentence !== null && this.engine.isAbusive(sentence)) state.abusiveSentences++;
    const topic = analysis.suggestions[0]?.id;
    const place = analysis.place ?? undefined;
    if ((topic && topic !== call.topic) || (place && place !== call.place)) this.registry.assisted(call, { topic, place });
    this.apply(call, analysis.flags, sentence !== null, text);
  }

  /** Merges new flags into the call's: raised flags stay, evidence grows, dismissed ones stay dismissed. */
  private apply(call: CallRecord, flags: readonly Flag[], whole: boolean, text: string): void {
    const state = this.state(call.callSid);
    let changed = false;
    for (const flag of flags) {
      // "Nothing to ask" is judged on whole sentences: a partial is often just its first filler.
      // So is what the examples teach: they are whole sentences, and a prefix (你们这帮…) is not one.
      if ((flag.kind === 'no_request' || flag.learned !== undefined) && !whole) continue;
      const key = `${flag.kind}.${flag.category}`;
      const old = state.flags.get(key);
      if (old?.decision?.decision === 'dismissed') continue;
      const evidence = [...new Set([...(old?.evidence ?? []), ...flag.evidence])].slice(-8);
      const keepHeard = old?.heard !== undefined && (state.heardWhole.has(key) || !whole || old.decision !== undefined);
      const heard = keepHeard ? old.heard : text ? text.slice(-HEARD_CHARS) : undefined;
      if (whole && text && !keepHeard) state.heardWhole.add(key);
      const next: LiveFlag = { ...flag, ...(old?.decision ? { decision: old.decision } : {}), ...(heard ? { heard } : {}), key, evidence, raisedAt: old?.raisedAt ?? new Date().toISOString() };
      if (!old || evidence.length !== old.evidence.length || heard !== old.heard || JSON.stringify(old.earlier) !== JSON.stringify(flag.earlier)) {
        state.flags.set(key, next);
        changed = true;
      }
    }
    changed = this.escalate(call, state) || changed;
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
      flags: flags.map((f) => ({
        key: f.key,
        kind: f.kind,
        category: f.category,
        severity: f.severity,
        evidence: f.evidence,
        raisedAt: f.raisedAt,
        ...(f.count !== undefined ? { count: f.count } : {}),
        ...(f.decision ? { decision: f.decision } : {}),
        ...(f.heard ? { heard: f.heard } : {}),
        ...(f.learned !== undefined ? { learned: f.learned } : {}),
      })),
    });
    this.emit('update', { callSid: call.callSid, flags });
  }

  private ended(call: CallRecord): void {
    this.engine.remember({ callerHash: call.callerHash, atMs: Date.parse(call.startedAt), scenarioId: call.topic ?? call.selfService?.scenarioId ?? null, place: call.place ?? null, outcome: call.endReason ?? null });
  }
}
