import { beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../calls/call.ts';
import { CallRegistry } from '../calls/registry.ts';
import { silentLogger } from '../log.ts';
import { MemoryCallStore } from '../store/memory-store.ts';
import { shippedKnowledge } from '../../test/support/knowledge.ts';
import { shippedRules } from '../../test/support/rules.ts';
import { MemoryCallerHistory } from './caller-history.ts';
import { AssistEngine } from './engine.ts';
import { LiveSuggester } from './live-suggestions.ts';
import { followWrapUpDrafts } from './live-wrap-up.ts';
import { DRAFT_SUMMARY_CHARS, summarizeRequest } from './wrap-up-draft.ts';

const line = (speaker: 'caller' | 'operator', text: string): TranscriptEntry => ({ speaker, text, offsetMs: 0, durationMs: 1000, at: '2026-12-01T08:00:00Z' });

describe('the wrap-up summary of a request', () => {
  it("joins the caller's final sentences, leaving out the operator's", () => {
    const transcript = [line('operator', '您好，12345热线'), line('caller', ' 我想问公积金 '), line('caller', '租房能取吗')];
    expect(summarizeRequest({ transcript })).toBe('我想问公积金；租房能取吗');
  });

  it('falls back to the question asked in the IVR when the caller has said nothing yet', () => {
    expect(summarizeRequest({ transcript: [], selfService: { question: '驾驶证到期怎么换', outcome: 'operator', at: '' } })).toBe('驾驶证到期怎么换');
    expect(summarizeRequest({ transcript: [] })).toBe('');
  });

  it('trims a long request to the draft length without cutting a character in half', () => {
    const summary = summarizeRequest({ transcript: [line('caller', '𠀀'.repeat(300))] });
    expect([...summary]).toHaveLength(DRAFT_SUMMARY_CHARS);
    expect(summary.endsWith('𠀀…')).toBe(true);
  });
});

// GIVEN the shipped knowledge base and rules behind the live suggester; WHEN a caller's sentences
// arrive; THEN the call's draft follows the engine's analysis of the whole sentences, not the partials.
describe('wrap-up drafts on a live call', () => {
  let engine: AssistEngine;
  beforeAll(async () => {
    const { index } = await shippedKnowledge();
    const rules = await shippedRules();
    engine = new AssistEngine(() => index, () => rules, new MemoryCallerHistory());
  });

  it('pre-fills intent, scenario, department and place from the analysis the live path makes', () => {
    const registry = new CallRegistry({ store: new MemoryCallStore(), callerHashSecret: 'test-secret-0123456789', logger: silentLogger });
    let runs = 0;
    const suggester = new LiveSuggester(registry, (text, call) => (runs++, engine.analyze(text, { callerHash: call.callerHash, atMs: Date.now() })), silentLogger);
    followWrapUpDrafts(registry, suggester);
    const drafts: unknown[] = [];
    registry.on('drafted', (_call, draft) => drafts.push(draft));
    const call = registry.start({ callSid: `CA${'5'.repeat(32)}`, accountSid: `AC${'0'.repeat(32)}`, from: '+8613800001234', to: '+8612345', status: 'in-progress' });
    const say = (text: string, final: boolean) => registry.transcript(call, { speaker: 'caller', text, final, offsetMs: 0, durationMs: 1000 });

    say('租房', false);
    expect(call.wrapUpDraft).toBeUndefined();
    say('我在和平路租房子住，租房能不能提取公积金', true);
    expect(runs).toBe(1); // one engine run serves suggestions, flags and the draft
    expect(call.wrapUpDraft).toMatchObject({ intent: 'consult', scenarioId: 'gjj.withdraw_rent', department: 'housing_fund', place: '和平路', summary: '我在和平路租房子住，租房能不能提取公积金' });
    expect(call.wrapUpDraft?.scenarioTitle).toBeTruthy();
    expect(call.wrapUpDraft?.departmentReason).toBeTruthy();
    expect(drafts).toHaveLength(1);

    // A closing that names no matter keeps the request found before, and the summary grows.
    say('好的，谢谢', true);
    say('再见', true);
    expect(call.wrapUpDraft).toMatchObject({ scenarioId: 'gjj.withdraw_rent', department: 'housing_fund', place: '和平路', summary: '我在和平路租房子住，租房能不能提取公积金；好的，谢谢；再见' });

    registry.status(call.callSid, 'completed');
    expect(registry.get(call.callSid)).toBeUndefined();
    expect(registry.find(call.callSid)?.wrapUpDraft?.scenarioId).toBe('gjj.withdraw_rent');
    suggester.close();
  });
});
