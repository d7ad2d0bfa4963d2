import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../calls/call.ts';
import { parseTwiml } from '../../simulator/twiml.ts';
import { shippedIvr } from '../../../test/support/ivr.ts';
import type { IvrEngine } from '../engine.ts';

// GIVEN flows/main.json, whose 政策咨询 option asks the knowledge base, and the shipped knowledge base.
const question = (attempt = 1) => ({ flow: 'main', node: 'consult_self_service', attempt });
const answer = (attempt = 1) => ({ ...question(attempt), stage: 'answer' });

describe('kb_answer: the IVR answers simple questions itself', () => {
  let fresh: Awaited<ReturnType<typeof shippedIvr>>['fresh'];
  let engine: IvrEngine;
  let call: CallRecord;

  beforeAll(async () => {
    ({ fresh } = await shippedIvr());
  });
  beforeEach(() => {
    ({ engine, call } = fresh(`CA${'2'.repeat(32)}`));
  });

  it('asks for the question by speech in Mandarin, hinted with the knowledge base terms', () => {
    const xml = engine.input(call, { flow: 'main', node: 'main_menu', attempt: 1 }, { digits: '1' }).toString();
    const verbs = parseTwiml(xml);
    expect(verbs.map((v) => v.name)).toEqual(['Gather', 'Redirect']);
    expect(xml).toContain('input="speech"');
    expect(xml).toContain('language="cmn-Hans-CN"');
    const hints = /hints="([^"]*)"/.exec(xml)![1]!.split(',');
    expect(hints).toEqual(expect.arrayContaining(['租房提取住房公积金', '社保卡申领、补换、挂失']));
    expect(hints.length).toBeLessThanOrEqual(500);
  });

  it('reads the answer when the question fits, then 1 ends the call as resolved', () => {
    const xml = engine.input(call, question(), { speech: '我想问一下租房子能不能提取公积金' }).toString();
    const verbs = parseTwiml(xml);
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Gather', 'Redirect']);
    expect(verbs[0]).toMatchObject({ text: expect.stringContaining('租房') });
    expect(xml).toContain('stage=answer');
    expect(call.selfService).toMatchObject({ question: '我想问一下租房子能不能提取公积金', outcome: 'answered' });
    expect(call.selfService!.scenarioId).toMatch(/^gjj\.withdraw_rent/);

    const done = parseTwiml(engine.input(call, answer(), { digits: '1' }).toString());
    expect(done.map((v) => v.name)).toEqual(['Say', 'Hangup']);
    expect(call.selfService).toMatchObject({ outcome: 'resolved' });
    expect(call.ivrPath.map((s) => s.choice).filter(Boolean)).toEqual(['租房提取住房公积金', '已解决']);
  });

  it('9 reads the answer again; 0 transfers with the question kept for the operator', () => {
    engine.input(call, question(), { speech: '社保卡丢了怎么补办' });
    const again = parseTwiml(engine.input(call, answer(), { digits: '9' }).toString());
    expect(again.map((v) => v.name)).toEqual(['Say', 'Gather', 'Redirect']);
    const transfer = parseTwiml(engine.input(call, answer(), { digits: '0' }).toString());
    expect(transfer.map((v) => v.name)).toEqual(['Say', 'Start', 'Enqueue']);
    expect(call).toMatchObject({ state: 'queued', queue: 'consult', selfService: { question: '社保卡丢了怎么补办', outcome: 'operator' } });
  });

  it('sends a question nothing fits straight to an operator, recorded as no_match', () => {
    const verbs = parseTwiml(engine.input(call, question(), { speech: '今天天气怎么样啊' }).toString());
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Start', 'Enqueue']);
    expect(call).toMatchObject({ state: 'queued', selfService: { question: '今天天气怎么样啊', outcome: 'no_match' } });
  });

  it('asks again after silence, then transfers as no_input', () => {
    const retry = engine.input(call, question(1), {}).toString();
    expect(retry).toContain('没有听清');
    const verbs = parseTwiml(engine.input(call, question(2), {}).toString());
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Start', 'Enqueue']);
    expect(call.selfService).toMatchObject({ outcome: 'no_input' });
  });

  it('asks for a key again after a wrong one, without reading the answer twice', () => {
    engine.input(call, question(), { speech: '驾驶证到期了怎么换' });
    const verbs = parseTwiml(engine.input(call, answer(), { digits: '7' }).toString());
    expect(verbs.map((v) => v.name)).toEqual(['Gather', 'Redirect']);
    expect(JSON.stringify(verbs[0])).toContain('选择有误');
  });
});
