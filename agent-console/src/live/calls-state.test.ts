import { describe, expect, it } from 'vitest';
import type { CallDetail, CallSummary, TranscriptLine } from '../../../server/console/contract.ts';
import { EMPTY, reduce, type CallsEvent, type CallsState } from './calls-state.ts';
import { NO_FLAGS } from '../../../server/console/urgency.ts';

const SID = `CA${'1'.repeat(32)}`;
const OTHER = `CA${'2'.repeat(32)}`;
const summary = (callSid = SID, state: CallSummary['state'] = 'queued'): CallSummary => ({ callSid, caller: '+86 138****1234', state, startedAt: '2026-12-01T09:00:00.000Z', ivrPath: [], flagBrief: NO_FLAGS, stepIns: [], transfers: [] });
const final = (speaker: TranscriptLine['speaker'], offsetMs: number, callSid = SID): CallsEvent => ({ type: 'transcript', line: { callSid, speaker, text: `${speaker}@${offsetMs}`, final: true, offsetMs, durationMs: 900 } });
const partial = (speaker: TranscriptLine['speaker'], text: string): CallsEvent => ({ type: 'transcript', line: { callSid: SID, speaker, text, final: false, offsetMs: 0, durationMs: 0 } });
const detail = (offsets: number[], extra: Partial<CallDetail> = {}): CallsEvent => ({
  type: 'detail',
  call: { ...summary(), transcript: offsets.map((o) => ({ speaker: 'caller' as const, text: `caller@${o}`, offsetMs: o, durationMs: 900, at: '' })), suggestions: [], kbUsed: [], flags: [], wrapUpDraft: null, ...extra },
});
const run = (...events: CallsEvent[]): CallsState => events.reduce(reduce, EMPTY);
const offsets = (state: CallsState, sid = SID) => state.calls.get(sid)!.finals.map((l) => `${l.speaker}@${l.offsetMs}`);

describe('calls state', () => {
  it('shows a partial until the final replaces it', () => {
    const typing = run({ type: 'snapshot', calls: [summary()] }, partial('caller', '社保'));
    expect(typing.calls.get(SID)!.partials.caller).toBe('社保');
    const settled = reduce(typing, final('caller', 0));
    expect(settled.calls.get(SID)!.partials.caller).toBeNull();
    expect(offsets(settled)).toEqual(['caller@0']);
  });

  it('replayed events after a recovered drop leave every line once', () => {
    const state = run({ type: 'snapshot', calls: [summary()] }, final('caller', 0), final('operator', 1500), { type: 'disconnected' }, final('operator', 1500), final('caller', 3000));
    expect(offsets(state)).toEqual(['caller@0', 'operator@1500', 'caller@3000']);
  });

  it('a drop clears the partials on screen: they are volatile and never replayed', () => {
    const state = run({ type: 'snapshot', calls: [summary()] }, partial('operator', '您好'), { type: 'disconnected' });
    expect(state.calls.get(SID)!.partials).toEqual({ caller: null, operator: null });
  });

  it('after a reconnect without recovery the fetched transcript fills the gap, lines come once', () => {
    const before = run({ type: 'snapshot', calls: [summary()] }, detail([0]), final('caller', 2000), { type: 'disconnected' }, { type: 'stale' });
    expect(before.calls.get(SID)!.loaded).toBe(false);
    // Live lines after the reconnect may come before the fetch answers.
    const after = run({ type: 'snapshot', calls: [summary()] }, detail([0]), final('caller', 2000), { type: 'stale' }, { type: 'snapshot', calls: [summary()] }, final('caller', 9000), detail([0, 2000, 4000, 6000]));
    expect(offsets(after)).toEqual(['caller@0', 'caller@2000', 'caller@4000', 'caller@6000', 'caller@9000']);
    expect(after.calls.get(SID)!.loaded).toBe(true);
  });

  it('takes the fetched suggestions, flags, draft and used answers, and adds the used ones it knew', () => {
    const state = run(
      { type: 'snapshot', calls: [summary()] },
      { type: 'kbUsed', callSid: SID, id: 'a' },
      detail([], { kbUsed: [{ id: 'b', rank: 1, operator: 'op', at: '' }], wrapUpDraft: { intent: 'consult', scenarioId: 'x', scenarioTitle: 'X', department: null, departmentReason: '', place: null, summary: 's' } }),
    );
    const v = state.calls.get(SID)!;
    expect(v.used).toEqual(['a', 'b']);
    expect(v.draft?.scenarioId).toBe('x');
  });

  it('a snapshot is the whole truth for live calls, but an ended call stays for its wrap-up', () => {
    const state = run({ type: 'snapshot', calls: [summary(SID), summary(OTHER)] }, { type: 'ended', callSid: SID, endedAt: '2026-12-01T09:05:00.000Z' }, { type: 'snapshot', calls: [] });
    expect([...state.calls.keys()]).toEqual([SID]);
    expect(state.calls.get(SID)!.summary.state).toBe('ended');
  });

  it('ignores events of calls it does not know, and returns the same state when nothing changed', () => {
    const state = run({ type: 'snapshot', calls: [summary()] });
    expect(reduce(state, final('caller', 0, OTHER))).toBe(state);
    const once = reduce(state, final('caller', 0));
    expect(reduce(once, final('caller', 0))).toBe(once);
  });

  it('adds IVR steps, ends a call, records a flag decision and the wrap-up, and forgets', () => {
    const flag = { key: 'abuse.insult', kind: 'abuse', category: 'insult', severity: 'medium', evidence: ['废物'], raisedAt: '' } as const;
    let state = run({ type: 'snapshot', calls: [summary()] }, { type: 'ivr', callSid: SID, step: { flow: 'main', node: 'menu', type: 'menu', input: '1', at: '' } }, { type: 'flags', callSid: SID, flags: [flag] });
    state = reduce(state, { type: 'flag', callSid: SID, flag: { ...flag, decision: { decision: 'dismissed', by: 'op', at: '' } } });
    state = reduce(state, { type: 'wrappedUp', callSid: SID, wrapUp: { intent: 'consult', scenarioId: null, department: 'd', departmentReason: 'r', place: null, summary: 's', by: 'op', at: '' } });
    const v = state.calls.get(SID)!;
    expect(v.summary.ivrPath).toHaveLength(1);
    expect(v.flags[0]!.decision?.decision).toBe('dismissed');
    expect(v.summary.wrapUp?.by).toBe('op');
    expect(reduce(state, { type: 'forget', callSid: SID }).calls.size).toBe(0);
  });
});
