import { describe, expect, it } from 'vitest';
import type { CallRecord, FlagRecord } from '../../calls/call.ts';
import { decidedExamples, exampleLine } from './decided-examples.ts';
import { examplesFileSchema } from './schema.ts';
import { parse } from 'yaml';

const flag = (key: string, heard: string, decision?: 'confirmed' | 'dismissed', by = 'op1'): FlagRecord => {
  const [kind, category] = key.split('.') as [string, string];
  return { key, kind, category, severity: 'medium', evidence: [], raisedAt: '2026-11-30T01:00:00Z', heard, ...(decision ? { decision: { decision, by, at: '2026-11-30T01:01:00Z' } } : {}) };
};
const call = (sid: string, flags: FlagRecord[]) => ({ callSid: sid, startedAt: '2026-11-30T01:00:00Z', flags }) as unknown as CallRecord;

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

  it('writes lines the examples file accepts, quotes and all', () => {
    const [e] = decidedExamples([call('CA1', [flag('abuse.insult', '他说"你这个 sb"：你们管不管', 'confirmed')])], new Set());
    const line = exampleLine(e!);
    const file = examplesFileSchema.parse(parse(`threshold: 0.5\nexamples:\n${line}\n`));
    expect(file.examples).toEqual([{ text: '他说"你这个 sb"：你们管不管', flags: ['abuse.insult'], allow: [] }]);
  });
});
