import type { LiveFlag } from '../../../server/assist/live-flags.ts';
import type { Suggestion } from '../../../server/assist/suggestion.ts';
import type { IvrStep, WrapUp, WrapUpDraft } from '../../../server/calls/call.ts';
import type { CallDetail, CallSummary, TranscriptLine } from '../../../server/console/contract.ts';
import type { Speaker } from '../../../server/speech/recognizer.ts';
import { mergeFinals, type FinalLine } from './transcript.ts';

/**
 * The calls a console knows, as one immutable value changed only by `reduce` — so the
 * same events give the same screen whether they came live, replayed by socket.io after a
 * short drop, or refetched with `call:get` after a long one. Pure: no socket, no DOM.
 */
export interface CallView {
  readonly summary: CallSummary;
  /** Final lines of both speakers, by offset, each (speaker, offsetMs) once. */
  readonly finals: readonly FinalLine[];
  /** The words being recognised now, per speaker (replaced by the final). */
  readonly partials: Readonly<Record<Speaker, string | null>>;
  /** Whether `call:get`'s detail has been merged in since the last connection that lost state. */
  readonly loaded: boolean;
  readonly suggestions: readonly Suggestion[];
  /** Knowledge-base ids marked used on this call. */
  readonly used: readonly string[];
  readonly flags: readonly LiveFlag[];
  readonly draft: WrapUpDraft | null;
}

export interface CallsState {
  readonly calls: ReadonlyMap<string, CallView>;
}

export const EMPTY: CallsState = { calls: new Map() };

export type CallsEvent =
  /** `calls:snapshot`: every call this console may see now. */
  | { readonly type: 'snapshot'; readonly calls: readonly CallSummary[] }
  /** `call:started` / `call:updated`. */
  | { readonly type: 'summary'; readonly call: CallSummary }
  | { readonly type: 'ivr'; readonly callSid: string; readonly step: IvrStep }
  | { readonly type: 'transcript'; readonly line: TranscriptLine }
  | { readonly type: 'ended'; readonly callSid: string; readonly endedAt: string }
  | { readonly type: 'suggestions'; readonly callSid: string; readonly items: readonly Suggestion[] }
  | { readonly type: 'flags'; readonly callSid: string; readonly flags: readonly LiveFlag[] }
  /** One flag as an operator's decision left it. */
  | { readonly type: 'flag'; readonly callSid: string; readonly flag: LiveFlag }
  | { readonly type: 'draft'; readonly callSid: string; readonly draft: WrapUpDraft }
  | { readonly type: 'detail'; readonly call: CallDetail }
  | { readonly type: 'kbUsed'; readonly callSid: string; readonly id: string }
  | { readonly type: 'wrappedUp'; readonly callSid: string; readonly wrapUp: WrapUp }
  /** The socket dropped: partials are volatile (never replayed), so the half-words on screen go. */
  | { readonly type: 'disconnected' }
  /** Connected again without socket.io's recovery: what was fetched may have gaps, fetch again. */
  | { readonly type: 'stale' }
  | { readonly type: 'forget'; readonly callSid: string };

const NO_PARTIALS = { caller: null, operator: null } as const;

export function newView(summary: CallSummary): CallView {
  return { summary, finals: [], partials: NO_PARTIALS, loaded: false, suggestions: [], used: [], flags: [], draft: null };
}

function withCall(state: CallsState, callSid: string, change: (v: CallView) => CallView): CallsState {
  const view = state.calls.get(callSid);
  if (!view) return state;
  const next = change(view);
  if (next === view) return state;
  const calls = new Map(state.calls);
  calls.set(callSid, next);
  return { calls };
}

function summaryOf(detail: CallDetail): CallSummary {
  const { transcript: _t, suggestions: _s, kbUsed: _k, flags: _f, wrapUpDraft: _w, ...summary } = detail;
  return summary;
}

export function reduce(state: CallsState, event: CallsEvent): CallsState {
  switch (event.type) {
    case 'snapshot': {
      // The whole truth about live calls: one no longer listed has gone (or is no longer ours);
      // ended calls stay for their wrap-up until forgotten.
      const listed = new Set(event.calls.map((c) => c.callSid));
      const calls = new Map<string, CallView>();
      for (const [sid, v] of state.calls) if (listed.has(sid) || v.summary.state === 'ended') calls.set(sid, v);
      for (const summary of event.calls) {
        const v = calls.get(summary.callSid);
        calls.set(summary.callSid, v ? { ...v, summary } : newView(summary));
      }
      return { calls };
    }
    case 'summary': {
      const calls = new Map(state.calls);
      const v = calls.get(event.call.callSid);
      calls.set(event.call.callSid, v ? { ...v, summary: event.call } : newView(event.call));
      return { calls };
    }
    case 'ivr':
      return withCall(state, event.callSid, (v) => ({ ...v, summary: { ...v.summary, ivrPath: [...v.summary.ivrPath, event.step] } }));
    case 'transcript': {
      const { line } = event;
      return withCall(state, line.callSid, (v) => {
        if (!line.final) return v.partials[line.speaker] === line.text ? v : { ...v, partials: { ...v.partials, [line.speaker]: line.text } };
        const finals = mergeFinals(v.finals, [line]);
        const partials = v.partials[line.speaker] === null ? v.partials : { ...v.partials, [line.speaker]: null };
        return finals === v.finals && partials === v.partials ? v : { ...v, finals, partials };
      });
    }
    case 'ended':
      return withCall(state, event.callSid, (v) => ({ ...v, summary: { ...v.summary, state: 'ended', endedAt: event.endedAt }, partials: NO_PARTIALS }));
    case 'suggestions':
      return withCall(state, event.callSid, (v) => ({ ...v, suggestions: event.items }));
    case 'flags':
      return withCall(state, event.callSid, (v) => ({ ...v, flags: event.flags }));
    case 'flag':
      return withCall(state, event.callSid, (v) => ({ ...v, flags: v.flags.map((f) => (f.key === event.flag.key ? event.flag : f)) }));
    case 'draft':
      return withCall(state, event.callSid, (v) => ({ ...v, draft: event.draft }));
    case 'kbUsed':
      return withCall(state, event.callSid, (v) => (v.used.includes(event.id) ? v : { ...v, used: [...v.used, event.id] }));
    case 'wrappedUp':
      return withCall(state, event.callSid, (v) => ({ ...v, summary: { ...v.summary, wrapUp: event.wrapUp } }));
    case 'detail': {
      const { call } = event;
      const calls = new Map(state.calls);
      const v = calls.get(call.callSid) ?? newView(summaryOf(call));
      // The ack answers at the moment it was asked, and socket.io keeps a socket's order: what it
      // holds is at least as new as every event before it. Only the transcript is merged, as lines
      // may have come both ways.
      calls.set(call.callSid, {
        ...v,
        summary: summaryOf(call),
        finals: mergeFinals(v.finals, call.transcript),
        loaded: true,
        suggestions: call.suggestions,
        flags: call.flags,
        draft: call.wrapUpDraft,
        used: [...new Set([...v.used, ...call.kbUsed.map((u) => u.id)])],
        partials: call.state === 'ended' ? NO_PARTIALS : v.partials,
      });
      return { calls };
    }
    case 'disconnected': {
      if (![...state.calls.values()].some((v) => v.partials.caller !== null || v.partials.operator !== null)) return state;
      return { calls: new Map([...state.calls].map(([sid, v]) => [sid, { ...v, partials: NO_PARTIALS }])) };
    }
    case 'stale':
      return { calls: new Map([...state.calls].map(([sid, v]) => [sid, v.loaded ? { ...v, loaded: false } : v])) };
    case 'forget': {
      if (!state.calls.has(event.callSid)) return state;
      const calls = new Map(state.calls);
      calls.delete(event.callSid);
      return { calls };
    }
  }
}
