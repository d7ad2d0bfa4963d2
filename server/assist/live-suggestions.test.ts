import { beforeAll, describe, expect, it } from 'vitest';
import { CallRegistry } from '../calls/registry.ts';
import { silentLogger } from '../log.ts';
import { MemoryCallStore } from '../store/memory-store.ts';
import { shippedKnowledge } from '../../test/support/knowledge.ts';
import { shippedRules } from '../../test/support/rules.ts';
import { MemoryCallerHistory } from './caller-history.ts';
import { AssistEngine } from './engine.ts';
import type { Suggestion } from './suggestion.ts';
import { LiveSuggester, stabilize, type SuggestionUpdate } from './live-suggestions.ts';

const item = (id: string, score: number) => ({ id, score }) as Suggestion;
const ids = (list: readonly Suggestion[]) => list.map((s) => s.id);
const options = { swapMargin: 0.1, limit: 5, keepMissing: true };

describe('stabilize: suggestions do not flicker', () => {
  it('keeps the shown order when the new ranking differs only a little', () => {
    const shown = [item('a', 0.6), item('b', 0.55)];
    expect(ids(stabilize(shown, [item('b', 0.62), item('a', 0.58)], options))).toEqual(['a', 'b']);
  });

  it('lets a suggestion overtake one it clearly beats', () => {
    const shown = [item('a', 0.6), item('b', 0.55)];
    expect(ids(stabilize(shown, [item('b', 0.9), item('a', 0.5)], options))).toEqual(['b', 'a']);
  });

  it('adds a new one below the shown ones, or on top when it beats the top clearly', () => {
    const shown = [item('a', 0.6)];
    expect(ids(stabilize(shown, [item('c', 0.65), item('a', 0.6)], options))).toEqual(['a', 'c']);
    expect(ids(stabilize(shown, [item('c', 0.95), item('a', 0.6)], options))).toEqual(['c', 'a']);
  });

  it('keeps a shown one missing from a partial, and drops it on a final', () => {
    const shown = [item('a', 0.6), item('b', 0.5)];
    expect(ids(stabilize(shown, [item('a', 0.7)], options))).toEqual(['a', 'b']);
    expect(ids(stabilize(shown, [item('a', 0.7)], { ...options, keepMissing: false }))).toEqual(['a']);
  });
});

// GIVEN the shipped knowledge base and rules, a call registry and the live suggester on it;
// WHEN a caller's sentence arrives as growing partials and then a final.
describe('live suggestions on a call', () => {
  let engine: AssistEngine;
  beforeAll(async () => {
    const { index } = await shippedKnowledge();
    const rules = await shippedRules();
    engine = new AssistEngine(() => index, () => rules, new MemoryCallerHistory());
  });

  function setUp() {
    const registry = new CallRegistry({ store: new MemoryCallStore(), callerHashSecret: 'test-secret-0123456789', logger: silentLogger });
    const updates: SuggestionUpdate[] = [];
    const suggester = new LiveSuggester(registry, (text, call) => engine.analyze(text, { callerHash: call.callerHash, atMs: Date.now() }), silentLogger, { debounceMs: 20 });
    suggester.on('update', (u) => updates.push(u));
    const call = registry.start({ callSid: `CA${'3'.repeat(32)}`, accountSid: `AC${'0'.repeat(32)}`, from: '+8613800001234', to: '+8612345', status: 'in-progress' });
    const say = (text: string, final: boolean) => registry.transcript(call, { speaker: 'caller', text, final, offsetMs: 0, durationMs: 1000 });
    return { registry, suggester, updates, call, say };
  }
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('settles on the right answer as the sentence grows, and never reorders it away', async () => {
    const { updates, say, suggester, call } = setUp();
    const sentence = '喂你好，我想问一下我的社保卡丢了，要怎么挂失补办，补办要多久';
    for (let n = 4; n <= sentence.length; n += 2) {
      say(sentence.slice(0, n), false);
      await pause(25);
    }
    say(sentence, true);
    // The final changed nothing on screen, so it sent nothing new.
    expect(updates.at(-1)?.items[0]?.id).toBe('shebao.card');
    const firstRight = updates.findIndex((u) => u.items[0]?.id === 'shebao.card');
    expect(firstRight).toBeGreaterThanOrEqual(0);
    // Once on top, it stays on top while the caller keeps talking.
    expect(updates.slice(firstRight).every((u) => u.items[0]?.id === 'shebao.card')).toBe(true);
    // Far fewer updates than partials: unchanged lists are not sent.
    expect(updates.length).toBeLessThan(sentence.length / 2);
    expect(suggester.current(call.callSid)[0]?.id).toBe('shebao.card');
    suggester.close();
  });

  it('ignores the operator, and forgets a call when it ends', async () => {
    const { registry, updates, suggester, call } = setUp();
    registry.transcript(call, { speaker: 'operator', text: '社保卡丢了可以先电话挂失', final: true, offsetMs: 0, durationMs: 1000 });
    expect(updates).toEqual([]);
    registry.transcript(call, { speaker: 'caller', text: '公积金贷款能贷多少', final: true, offsetMs: 0, durationMs: 1000 });
    expect(updates[0]?.items[0]?.id).toBe('gjj.loan');
    registry.status(call.callSid, 'completed');
    expect(suggester.current(call.callSid)).toEqual([]);
    suggester.close();
  });

  it('starts from the question the caller asked the IVR when the call reaches an operator', () => {
    const { registry, updates, suggester, call } = setUp();
    registry.selfService(call, { question: '驾驶证到期了怎么换证', outcome: 'operator' });
    registry.queued(call, 'consult', 'consult');
    expect(updates).toEqual([expect.objectContaining({ basedOn: 'ivr', items: expect.arrayContaining([expect.objectContaining({ id: 'traffic.driver_license' })]) })]);
    suggester.close();
  });

  it('costs a suggestion, not the call, when retrieval throws', () => {
    const registry = new CallRegistry({ store: new MemoryCallStore(), callerHashSecret: 'test-secret-0123456789', logger: silentLogger });
    const suggester = new LiveSuggester(registry, () => {
      throw new Error('index broken');
    }, silentLogger);
    const call = registry.start({ callSid: `CA${'4'.repeat(32)}`, accountSid: `AC${'0'.repeat(32)}`, from: '+8613800001234', to: '+8612345', status: 'in-progress' });
    expect(() => registry.transcript(call, { speaker: 'caller', text: '社保卡丢了', final: true, offsetMs: 0, durationMs: 900 })).not.toThrow();
    expect(call.transcript).toHaveLength(1);
    suggester.close();
  });
});
