import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { CallRecord } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import type { RecognitionResult } from '../speech/recognizer.ts';
import type { Analysis } from './engine.ts';
import type { Suggestion } from './suggestion.ts';

/**
 * The assist engine on each live call, as the caller speaks: one analysis per update, whose
 * suggestions this class keeps on screen and whose flags `LiveFlags` takes from the
 * `analysis` event (so the words are searched once for both).
 *
 * The caller's current request is their last two final sentences plus the sentence they
 * are saying now. Partials are debounced (`debounceMs`); a final is searched at once.
 * The list must not flicker while the sentence grows, so an update:
 *  - keeps the order of suggestions already shown unless one overtakes another by `swapMargin`;
 *  - adds new ones below the shown ones unless they beat the top by `swapMargin`;
 *  - drops a shown suggestion only on a final (a partial may be mid-word), or when the list is full;
 *  - is sent only when the ids, their order, or a score (by 0.05 or more) changed.
 * A call transferred from the IVR's self-service starts from the question it asked there.
 */
export interface SuggestionUpdate {
  readonly callSid: string;
  /** What the list is for: the IVR question, or the caller's words on the line. */
  readonly basedOn: 'ivr' | 'partial' | 'final';
  readonly items: readonly Suggestion[];
  readonly at: string;
}

/** One run of the engine on a call's request, for whoever follows the call's analyses (the flags). */
export interface CallAnalysis {
  readonly call: CallRecord;
  readonly analysis: Analysis;
  readonly basedOn: SuggestionUpdate['basedOn'];
  /** The caller's words analysed: the request so far. */
  readonly text: string;
  /** The newest whole sentence (a final, or the IVR question); null on a partial. */
  readonly sentence: string | null;
}

export interface LiveSuggesterOptions {
  readonly debounceMs?: number;
  readonly swapMargin?: number;
  readonly limit?: number;
}

interface CallState {
  finals: string[];
  partial: string;
  timer: NodeJS.Timeout | null;
  shown: Suggestion[];
}

/** How many of the caller's final sentences make the current request. */
const CONTEXT_FINALS = 2;
const SCORE_CHANGE = 0.05;

export class LiveSuggester extends EventEmitter<{ update: [SuggestionUpdate]; analysis: [CallAnalysis] }> {
  private readonly calls = new Map<string, CallState>();
  private readonly debounceMs: number;
  private readonly swapMargin: number;
  private readonly limit: number;

  constructor(
    registry: CallRegistry,
    private readonly analyze: (text: string, call: CallRecord) => Analysis,
    private readonly log: Logger,
    options: LiveSuggesterOptions = {},
  ) {
    super();
    this.debounceMs = options.debounceMs ?? 250;
    this.swapMargin = options.swapMargin ?? 0.1;
    this.limit = options.limit ?? 5;
    registry.on('transcript', (call, result) => this.heard(call, result));
    registry.on('queued', (call) => this.queued(call));
    registry.on('ended', (call) => this.forget(call.callSid));
  }

  /** The suggestions shown now for a call (for a console that opens it mid-call). */
  current(callSid: string): readonly Suggestion[] {
    return this.calls.get(callSid)?.shown ?? [];
  }

  close(): void {
    for (const state of this.calls.values()) if (state.timer) clearTimeout(state.timer);
    this.calls.clear();
  }

  private state(callSid: string): CallState {
    let state = this.calls.get(callSid);
    if (!state) this.calls.set(callSid, (state = { finals: [], partial: '', timer: null, shown: [] }));
    return state;
  }

  private queued(call: CallRecord): void {
    const question = call.selfService?.question;
    if (!question) return;
    const state = this.state(call.callSid);
    state.finals.push(question);
    this.update(call, state, 'ivr', question);
  }

  private heard(call: CallRecord, result: RecognitionResult): void {
    if (result.speaker !== 'caller' || !result.text.trim()) return;
    const state = this.state(call.callSid);
    if (result.final) {
      state.finals = [...state.finals, result.text].slice(-CONTEXT_FINALS);
      state.partial = '';
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
      this.update(call, state, 'final', result.text);
      return;
    }
    state.partial = result.text;
    state.timer ??= setTimeout(() => {
      state.timer = null;
      if (this.calls.get(call.callSid) === state) this.update(call, state, 'partial', null);
    }, this.debounceMs);
  }

  private update(call: CallRecord, state: CallState, basedOn: SuggestionUpdate['basedOn'], sentence: string | null): void {
    const { callSid } = call;
    const text = [...state.finals, state.partial].join('，');
    let analysis: Analysis;
    try {
      analysis = this.analyze(text, call);
    } catch (error) {
      // An assist bug must cost the operator a suggestion, never the call.
      this.log.error({ callSid, err: error }, 'assist analysis failed');
      return;
    }
    this.emit('analysis', { call, analysis, basedOn, text, sentence });
    const next = stabilize(state.shown, analysis.suggestions, { swapMargin: this.swapMargin, limit: this.limit, keepMissing: basedOn === 'partial' });
    if (!changed(state.shown, next)) return;
    state.shown = next;
    this.emit('update', { callSid, basedOn, items: next, at: new Date().toISOString() });
  }

  private forget(callSid: string): void {
    const state = this.calls.get(callSid);
    if (state?.timer) clearTimeout(state.timer);
    this.calls.delete(callSid);
  }
}

/**
 * Merges a new ranking into the list on screen without needless reordering.
 * Exported for its own tests: it is the part operators notice when it is wrong.
 */
export function stabilize(
  shown: readonly Suggestion[],
  found: readonly Suggestion[],
  options: { swapMargin: number; limit: number; keepMissing: boolean },
): Suggestion[] {
  const fresh = new Map(found.map((s) => [s.id, s]));
  // Shown ones in their order, with their new data; missing ones kept only while the sentence grows.
  const list: Suggestion[] = [];
  for (const s of shown) {
    const now = fresh.get(s.id);
    if (now) list.push(now);
    else if (options.keepMissing) list.push(s);
  }
  // One pass of adjacent swaps: an item moves up only past one it clearly beats.
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.score > list[i - 1]!.score + options.swapMargin) [list[i - 1], list[i]] = [list[i]!, list[i - 1]!];
  }
  const kept = new Set(list.map((s) => s.id));
  for (const s of found) {
    if (kept.has(s.id)) continue;
    if (list.length && s.score > list[0]!.score + options.swapMargin) list.unshift(s);
    else list.push(s);
  }
  return list.slice(0, options.limit);
}

function changed(before: readonly Suggestion[], after: readonly Suggestion[]): boolean {
  if (before.length !== after.length) return true;
  return after.some((s, i) => s.id !== before[i]!.id || Math.abs(s.score - before[i]!.score) >= SCORE_CHANGE);
}
