import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import { parseTwiml } from '../simulator/twiml.ts';
import { shippedIvr } from '../../test/support/ivr.ts';
import type { IvrEngine } from './engine.ts';

const at = (attempt = 1) => ({ flow: 'main', node: 'main_menu', attempt });

describe('IVR engine on flows/main.json', () => {
  let fresh: Awaited<ReturnType<typeof shippedIvr>>['fresh'];
  let registry: CallRegistry;
  let engine: IvrEngine;
  let call: CallRecord;

  beforeAll(async () => {
    ({ fresh } = await shippedIvr());
  });
  beforeEach(() => {
    ({ registry, engine, call } = fresh(`CA${'1'.repeat(32)}`));
  });

  it('greets, gives the emergency notice, then asks by keys or voice in Mandarin', () => {
    const xml = engine.begin(call).toString();
    const verbs = parseTwiml(xml);
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Say', 'Gather', 'Redirect']);
    expect(verbs[1]).toMatchObject({ text: expect.stringContaining('110') });
    expect(verbs[1]).toMatchObject({ text: expect.stringContaining('119') });
    expect(verbs[1]).toMatchObject({ text: expect.stringContaining('120') });
    expect(xml).toContain('input="dtmf speech"');
    expect(xml).toContain('language="cmn-Hans-CN"');
    expect(xml).toMatch(/hints="政策咨询,[^"]*人工服务/);
    expect(xml).toContain('<Say language="zh-CN" voice="Polly.Zhiyu">');
    expect(call.ivrPath.map((s) => s.node)).toEqual(['welcome', 'emergency_notice']);
  });

  it('transfers with live audio of both tracks and the call identity, then queues the caller', () => {
    const xml = engine.input(call, at(), { digits: '0' }).toString();
    const verbs = parseTwiml(xml);
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Start', 'Enqueue']);
    const start = verbs[1] as Extract<(typeof verbs)[number], { name: 'Start' }>;
    expect(start.streams[0]).toEqual({
      url: 'wss://hotline.example.gov.cn/twilio/media',
      track: 'both_tracks',
      parameters: { callSid: call.callSid, queue: 'general' },
    });
    expect(verbs[2]).toMatchObject({ queue: 'general' });
    expect(call).toMatchObject({ state: 'queued', queue: 'general' });
    expect(call.ivrPath.at(-2)).toMatchObject({ node: 'main_menu', input: '0', via: 'dtmf', choice: '人工服务' });
  });

  it.each([
    ['2', 'complaint'],
    ['3', 'report'],
    ['4', 'suggestion'],
    ['5', 'praise'],
  ])('routes key %s to the %s queue', (digits, queue) => {
    engine.input(call, at(), { digits });
    expect(call.queue).toBe(queue);
    expect(call.intent).toBe(queue);
  });

  it('understands the choice spoken in Mandarin, by topic or by number', () => {
    engine.input(call, at(), { speech: '我要投诉。' });
    expect(call.queue).toBe('complaint');
    const other = registry.start({ callSid: `CA${'2'.repeat(32)}`, accountSid: `AC${'0'.repeat(32)}`, from: '+8613800001234', to: '+8612345', status: 'ringing' });
    engine.input(other, at(), { speech: '按三' });
    expect(other.queue).toBe('report');
  });

  it('repeats the menu on 9', () => {
    const verbs = parseTwiml(engine.input(call, at(), { digits: '9' }).toString());
    expect(verbs.map((v) => v.name)).toEqual(['Gather', 'Redirect']);
    expect(call.state).toBe('ivr');
  });

  it('asks again after a wrong key, with an apology, and sends a second wrong key to an operator', () => {
    const again = engine.input(call, at(1), { digits: '7' }).toString();
    expect(again).toContain('抱歉，您的选择有误。');
    expect(again).toContain('attempt=2');
    const verbs = parseTwiml(engine.input(call, at(2), { digits: '8' }).toString());
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Start', 'Enqueue']);
    expect(call.queue).toBe('general');
    expect(call.ivrPath.filter((s) => s.via === 'invalid').map((s) => s.input)).toEqual(['7', '8']);
  });

  it('sends a caller who says nothing twice to an operator', () => {
    expect(engine.input(call, at(1), {}).toString()).toContain('没有听到您的选择');
    engine.input(call, at(2), {});
    expect(call.queue).toBe('general');
  });

  it('sends input for a node the flow no longer has to the flow fallback, not an error', () => {
    engine.input(call, { flow: 'main', node: 'removed_menu', attempt: 1 }, { digits: '1' });
    expect(call.queue).toBe('general');
  });
});
