import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimEvent } from '../../server/simulator/call.ts';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { consoleClient } from '../support/console-client.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';

// GIVEN a server with the shipped knowledge base, the real speech SDK against the emulator,
// and a real socket.io console client.
describe('knowledge-base answers on a live call', () => {
  let t: TestHotline;
  beforeAll(async () => {
    t = await startTestHotline();
  });
  afterAll(() => t.close());

  it('shows the right answer on the console within a second of the caller asking, and records the one used', async () => {
    const client = await consoleClient(t.url, await t.signIn('super'));
    const question = '喂你好，我的社保卡丢了，想问一下要怎么挂失补办';
    const call = t.call(parseScenario({ caller: '+8613800005555', ivr: ['0'], caller_says: [question], operator_says: ['您好，请讲'] }), { pace: 'realtime' });
    await call.run();
    await until(() => client.ended.has(call.callSid), 10_000, 'the call to end');

    const final = client.lines.find((l) => l.callSid === call.callSid && l.speaker === 'caller' && l.final);
    expect(final?.text).toBe(question);
    const updates = client.suggestions.filter((u) => u.callSid === call.callSid);
    const right = updates.find((u) => u.items[0]?.id === 'shebao.card');
    expect(right, 'a suggestion list with shebao.card on top').toBeDefined();
    // THEN the answer is there no later than a second after the caller's sentence is final (usually before: from partials).
    expect(right!.receivedMs - final!.receivedMs).toBeLessThan(1000);
    expect(right!.items[0]).toMatchObject({ title: '社保卡申领、补换、挂失', department: 'hrss' });
    expect(right!.items[0]!.matched.join()).toContain('社保卡');
    expect(right!.items[0]!.answer.materials?.length).toBeGreaterThan(0);
    // The knowledge base's terms reached the speech service as the recogniser's phrase list.
    const lists = await fetch(`${t.hotline.emulator!.httpUrl}/emulator/phrase-lists`, { headers: { authorization: `Bearer ${t.config.emulator.key}` } });
    const { phraseLists } = (await lists.json()) as { phraseLists: Record<string, string[]> };
    expect(phraseLists[`${call.callSid}:inbound`], JSON.stringify(Object.keys(phraseLists))).toEqual(expect.arrayContaining(['社保卡申领、补换、挂失', '公积金']));
    client.close();
  });

  it('lets an operator mark the answer used, and refuses a bad request', async () => {
    const client = await consoleClient(t.url, await t.signIn('super'));
    const call = t.call(parseScenario({ caller: '+8613800006666', ivr: ['0'], caller_says: ['驾驶证快到期了，换证需要体检吗'], operator_says: ['需要的，请先到指定医院体检，再带身份证到车管所办理'] }), { pace: 'realtime' });
    const done = call.run();
    await until(() => client.suggestions.some((u) => u.callSid === call.callSid && u.items[0]?.id === 'traffic.driver_license'), 15_000, 'the suggestion');
    const used = await client.socket.timeout(5000).emitWithAck('kb:used', { callSid: call.callSid, id: 'traffic.driver_license', rank: 1 });
    expect(used, JSON.stringify(used)).toMatchObject({ ok: true, use: { id: 'traffic.driver_license', rank: 1 } });
    expect(t.hotline.registry.get(call.callSid)?.kbUsed).toEqual([expect.objectContaining({ id: 'traffic.driver_license', rank: 1 })]);
    expect(await client.socket.timeout(5000).emitWithAck('kb:used', { callSid: call.callSid, id: 'no.such', rank: 1 })).toMatchObject({ ok: false, error: expect.stringContaining('no scenario') });
    expect(await client.socket.timeout(5000).emitWithAck('kb:used', { callSid: 'nonsense', id: 'traffic.driver_license', rank: 1 } as never)).toMatchObject({ ok: false });
    await done;
    client.close();
  });

  it('answers a simple question in the IVR by itself, and counts it as resolved', async () => {
    const events: SimEvent[] = [];
    const call = t.call(parseScenario({ caller: '+8613700004444', ivr: ['1', { speech: '我的社保卡丢了怎么补办' }, '1'] }), { pace: 'fast', onEvent: (e) => events.push(e) });
    await call.run();
    const record = await until(() => !t.hotline.registry.get(call.callSid), 10_000, 'the call to end').then(() => t.hotline.registry);
    expect(record.get(call.callSid)).toBeUndefined();
    const verbs = events.filter((e) => e.type === 'twiml').map((e) => (e as { verbs: string[] }).verbs.join('+'));
    expect(verbs).toContain('Say+Gather+Redirect'); // the answer, then "1 solved, 0 operator"
    expect(verbs.at(-1)).toBe('Say+Hangup');
    expect(events.some((e) => e.type === 'stream')).toBe(false); // no operator was needed
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/hotline_ivr_self_service_total\{outcome="resolved"\} [1-9]/);
  });

  it('puts the IVR question on the operator screen when the caller still wants an operator', async () => {
    const client = await consoleClient(t.url, await t.signIn('super'));
    const call = t.call(parseScenario({ caller: '+8613800001234', ivr: ['1', { speech: '我想问一下租房子怎么提取公积金' }, '0'] }), { pace: 'fast' });
    await call.run();
    const first = client.suggestions.find((u) => u.callSid === call.callSid);
    expect(first).toMatchObject({ basedOn: 'ivr', items: [expect.objectContaining({ id: 'gjj.withdraw_rent' }), ...Array(first!.items.length - 1).fill(expect.anything())] });
    client.close();
  });
});
