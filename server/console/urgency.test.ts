import { describe, expect, it } from 'vitest';
import { compareUrgency, flagBrief, NO_FLAGS, phaseOf, phaseSince, sortByUrgency, urgencyTier, type FlagLike, type UrgencyInput } from './urgency.ts';

const flag = (key: string, severity: string, extra: Partial<FlagLike> = {}): FlagLike => {
  const [kind, category] = key.split('.') as [string, string];
  return { kind, category, severity, ...extra };
};
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 9, minute)).toISOString();

/** A call on the board: `waiting` since `since`, `talking` with an operator since then, or in the `ivr`. */
function call(id: string, phase: 'waiting' | 'talking' | 'ivr', since: number, flags: FlagLike[] = []): UrgencyInput {
  return {
    callSid: id,
    state: phase === 'ivr' ? 'ivr' : 'queued',
    startedAt: at(since - 1),
    ...(phase === 'ivr' ? {} : { queuedAt: at(since) }),
    ...(phase === 'talking' ? { queuedAt: at(since - 0.5), operator: { assignedAt: at(since) } } : {}),
    flagBrief: flagBrief(flags),
  };
}

describe('flags in short', () => {
  it('gives the worst severity, the keys and kinds most urgent first, and the abuse count; dismissed flags do not count', () => {
    expect(flagBrief(undefined)).toBe(NO_FLAGS);
    expect(flagBrief([flag('repeat.frequent', 'low'), flag('abuse.insult', 'medium', { count: 3 }), flag('urgent.emergency', 'emergency')])).toEqual({
      worst: 'emergency',
      keys: ['urgent.emergency', 'abuse.insult', 'repeat.frequent'],
      kinds: ['urgent', 'abuse', 'repeat'],
      abuseCount: 3,
    });
    // An abuse flag without a count is one abusive sentence.
    expect(flagBrief([flag('abuse.sexual', 'high')]).abuseCount).toBe(1);
    // The operator dismissed the emergency: it no longer counts, the insult does.
    expect(flagBrief([flag('urgent.emergency', 'emergency', { decision: { decision: 'dismissed' } }), flag('abuse.insult', 'medium', { count: 1, decision: { decision: 'confirmed' } })])).toEqual({
      worst: 'medium',
      keys: ['abuse.insult'],
      kinds: ['abuse'],
      abuseCount: 1,
    });
    expect(flagBrief([flag('no_request.chat_only', 'low', { decision: { decision: 'dismissed' } })])).toBe(NO_FLAGS);
  });
});

describe('urgency order', () => {
  it('puts emergencies and threats first, then repeated abuse, then high severity, then the rest', () => {
    expect(urgencyTier(flagBrief([flag('urgent.emergency', 'emergency')]))).toBe('critical');
    expect(urgencyTier(flagBrief([flag('abuse.threat', 'high', { count: 1 })]))).toBe('critical');
    expect(urgencyTier(flagBrief([flag('abuse.insult', 'medium', { count: 2 })]))).toBe('abuse');
    expect(urgencyTier(flagBrief([flag('abuse.insult', 'medium', { count: 1 })]))).toBe('normal');
    expect(urgencyTier(flagBrief([flag('urgent.high', 'high')]))).toBe('high');
    expect(urgencyTier(flagBrief([flag('abuse.sexual', 'high', { count: 1 })]))).toBe('high');
    expect(urgencyTier(NO_FLAGS)).toBe('normal');

    const calls = [
      call('plain-old', 'talking', 1),
      call('high', 'talking', 30, [flag('urgent.high', 'high')]),
      call('abused', 'talking', 40, [flag('abuse.insult', 'medium', { count: 4 })]),
      call('threat', 'talking', 50, [flag('abuse.threat', 'high', { count: 1 })]),
      call('fire', 'talking', 55, [flag('urgent.emergency', 'emergency')]),
      call('plain-new', 'talking', 20),
    ];
    // The emergency raised later than the threat still ranks with it: within the tier, longest first.
    expect(sortByUrgency(calls).map((c) => c.callSid)).toEqual(['threat', 'fire', 'abused', 'high', 'plain-old', 'plain-new']);
  });

  it('ranks within a tier callers waiting for an operator first, then calls in conversation, then the IVR, each longest first', () => {
    const calls = [call('ivr', 'ivr', 1), call('talk-new', 'talking', 10), call('wait-new', 'waiting', 12), call('talk-old', 'talking', 2), call('wait-old', 'waiting', 11)];
    expect(sortByUrgency(calls).map((c) => c.callSid)).toEqual(['wait-old', 'wait-new', 'talk-old', 'talk-new', 'ivr']);
    // A waiting emergency still beats a plain waiting call, and a flagged call in the IVR beats plain calls.
    const ivrFire = call('ivr-fire', 'ivr', 20, [flag('urgent.emergency', 'emergency')]);
    expect(sortByUrgency([...calls, ivrFire])[0]!.callSid).toBe('ivr-fire');
  });

  it('counts the duration from when the call entered its phase: queue, operator, or supervisor', () => {
    expect(phaseSince(call('w', 'waiting', 5))).toBe(at(5));
    expect(phaseSince(call('t', 'talking', 7))).toBe(at(7));
    expect(phaseSince(call('i', 'ivr', 3))).toBe(at(2));
    const taken = { ...call('s', 'talking', 7), takenOver: { at: at(9) } };
    expect([phaseOf(taken), phaseSince(taken)]).toEqual(['talking', at(9)]);
  });

  it('is a total order: equal calls are ordered by CallSid, and the sort does not depend on the input order', () => {
    const a = call('CA1', 'talking', 5);
    const b = call('CA2', 'talking', 5);
    expect(compareUrgency(a, b)).toBeLessThan(0);
    expect(compareUrgency(b, a)).toBeGreaterThan(0);
    expect(compareUrgency(a, a)).toBe(0);
    const many = Array.from({ length: 30 }, (_, i) => call(`CA${i}`, (['waiting', 'talking', 'ivr'] as const)[i % 3]!, i % 7, i % 5 === 0 ? [flag('abuse.insult', 'medium', { count: i % 4 })] : []));
    const once = sortByUrgency(many).map((c) => c.callSid);
    expect(sortByUrgency([...many].reverse()).map((c) => c.callSid)).toEqual(once);
  });
});
