import { describe, expect, it } from 'vitest';
import type { CallRecord, FlagRecord } from '../../calls/call.ts';
import { decidedExamples, exampleLine } from './decided-examples.ts';
import { examplesFileSchema } from './schema.ts';
import { parse } from 'yaml';

const flag = (key: string, heard: string, decision?: 'confirmed' | 'dismissed', by = 'op1'): FlagRecord => {
  const [kind, category] = key.split('.') as [string, string];
  return { key, kind, category, severity: 'medium', evidence: [], raisedAt: '2026-11-30T01:00:00Z', heard, ...(decision ? { decision: { decision, by, at: '2026-11-30T01:01:00Z' } } : {}) };
};
const call = (sid: string, flags: FlagRecord[]) => ({ callSid: sid, startedAt: '2026-11-30T01:00:00Z', flags, transcript: [] }) as unknown as CallRecord;

describe('decidedExamples', () => {
  it('makes a confirmed flag an example and a dismissed one a counter-example, leaving undecided ones allowed', () => {
    const calls = [
      call('CA1', [flag('abuse.insult', '你个死扑街，听不懂人话', 'confirmed'), flag('urgent.high', '你个死扑街，听不懂人话')]),
      call('CA2', [flag('unreasonable.superstition', '楼下算命馆音响太吵，我要投诉', 'dismissed', 'op2')]),
      call('CA3', [flag('repeat.frequent', '又是我，社保卡', 'confirmed'), flag('abuse.threat', '没人决定的话')]),
    ];
    expect(decidedExamples(calls, new Set())).toEqual([
      { text: '你个死扑街，听不懂人话', flags: ['abuse.insult'], allow: ['urgent.high'], decidedBy: ['op1'] },
      { text: '楼下算命馆音响太吵，我要投诉', flags: [], allow: [], decidedBy: ['op2'] },
    ]);
  });

  it('skips words already in the examples, and leaves a flag operators disagree on neither way', () => {
    const calls = [call('CA1', [flag('abuse.insult', '你真是个人才', 'confirmed')]), call('CA2', [flag('abuse.insult', '你真是个人才', 'dismissed', 'op2')]), call('CA3', [flag('abuse.insult', '已有的', 'confirmed')])];
    expect(decidedExamples(calls, new Set(['已有的']))).toEqual([{ text: '你真是个人才', flags: [], allow: ['abuse.insult'], decidedBy: ['op1', 'op2'] }]);
  });

  it("makes a wrapped-up call an example of where such calls go: the caller's words, the intent and the department chosen", () => {
    const transcript = [
      { speaker: 'caller', text: '我们小区楼顶有人养了几十只鸽子' },
      { speaker: 'operator', text: '好的，您说的是哪个小区' },
      { speaker: 'caller', text: '和平路那个，鸽子屎掉一阳台' },
    ];
    const wrapUp = { intent: 'complaint', scenarioId: null, department: 'urban_management', departmentReason: '', place: '和平路', summary: '', by: 'op3', at: '2026-11-30T01:05:00Z' };
    const wrapped = { ...call('CA1', [flag('unreasonable.private_matter', '我们小区楼顶有人养了几十只鸽子', 'dismissed')]), transcript, wrapUp } as unknown as CallRecord;
    const [dispatched] = decidedExamples([wrapped], new Set()).filter((e) => e.department);
    expect(dispatched).toEqual({ text: '我们小区楼顶有人养了几十只鸽子；和平路那个，鸽子屎掉一阳台', flags: [], allow: [], decidedBy: ['op1', 'op3'], intent: 'complaint', department: 'urban_management' });
    const file = examplesFileSchema.parse(parse(`examples:\n${exampleLine(dispatched!)}\n`));
    expect(file.examples[0]).toMatchObject({ intent: 'complaint', department: 'urban_management' });
    // A call not wrapped up, or one whose words are already examples, teaches no department.
    expect(decidedExamples([{ ...wrapped, wrapUp: undefined } as unknown as CallRecord], new Set()).filter((e) => e.department)).toEqual([]);
    expect(decidedExamples([wrapped], new Set([dispatched!.text])).filter((e) => e.department)).toEqual([]);
  });

  it('writes lines the examples file accepts, quotes and all', () => {
    const [e] = decidedExamples([call('CA1', [flag('abuse.insult', '他说"你这个 sb"：你们管不管', 'confirmed')])], new Set());
    const line = exampleLine(e!);
    const file = examplesFileSchema.parse(parse(`threshold: 0.5\nexamples:\n${line}\n`));
    expect(file.examples).toEqual([{ text: '他说"你这个 sb"：你们管不管', flags: ['abuse.insult'], allow: [] }]);
  });
});
