import { describe, expect, it } from 'vitest';
import type { WrapUp, WrapUpDraft } from '../../../server/calls/call.ts';
import { fieldValue, wrapUpRequest } from './wrap-up-values.ts';

const draft: WrapUpDraft = { intent: 'complaint', scenarioId: 'water.outage', scenarioTitle: '停水', department: 'water', departmentReason: '知识库', place: '幸福小区', summary: '小区停水' };
const submitted: WrapUp = { intent: 'report', scenarioId: null, department: 'housing', departmentReason: '人工', place: null, summary: '已提交', by: 'op', at: '' };

describe('wrap-up form values', () => {
  it("shows the operator's edit over what was submitted over the draft over the default", () => {
    expect(fieldValue('summary', {}, undefined, null)).toBe('');
    expect(fieldValue('intent', {}, undefined, null)).toBe('consult');
    expect(fieldValue('summary', {}, undefined, draft)).toBe('小区停水');
    expect(fieldValue('summary', {}, submitted, draft)).toBe('已提交');
    expect(fieldValue('summary', { summary: '改了' }, submitted, draft)).toBe('改了');
    expect(fieldValue('summary', { summary: '' }, submitted, draft)).toBe('');
    expect(fieldValue('place', {}, submitted, draft)).toBe('');
  });

  it('sends trimmed text, empty optional fields as null, and no empty note', () => {
    const values: Record<string, string> = { intent: 'consult', scenarioId: ' ', department: 'water', departmentReason: ' r ', place: '', summary: ' s ', note: '  ' };
    expect(wrapUpRequest('CA1', (n) => values[n]!)).toEqual({ callSid: 'CA1', intent: 'consult', scenarioId: null, department: 'water', departmentReason: 'r', place: null, summary: 's' });
    expect(wrapUpRequest('CA1', (n) => (n === 'note' ? '已答复' : values[n]!))).toMatchObject({ note: '已答复' });
  });
});
