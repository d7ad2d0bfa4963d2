import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransferRequest } from '../../server/console/contract.ts';
import { STEP_IN_REFUSED } from '../../server/console/step-in.ts';
import { TRANSFER_REFUSED } from '../../server/console/transfer.ts';
import { ACCOUNT_SID, callParams, startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { hangUp, operatorWithCall as withCall, hear, MENU, sidOf } from '../support/queued-call.ts';
import { startTwilioApi } from '../support/twilio-api.ts';
import { wallboardClient } from '../support/wallboard-client.ts';

// GIVEN a server whose twilio client talks to a local stand-in for Twilio's REST API, with
// 120 configured as a city number and 119 as a SIP address, operators each on a call put
// through the real webhooks, and real socket.io clients for every role;
// WHEN they transfer a call to 110/119/120; THEN only the call's operator, supervisors and
// admins may, Twilio receives exactly the redirect with the <Dial> to the configured centre,
// the transfer is on the call, the operator goes to after-call work, and a Twilio failure loses nothing.
describe('transferring a caller to 110 / 119 / 120', () => {
  let t: TestHotline;
  let api: Awaited<ReturnType<typeof startTwilioApi>>;
  let n = 0x7000;
  const transfer = (client: { socket: { timeout(ms: number): { emitWithAck(e: 'call:transfer', r: TransferRequest): Promise<unknown> } } }, request: TransferRequest) =>
    client.socket.timeout(10_000).emitWithAck('call:transfer', request);
  const updateUrl = (sid: string) => `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid}.json`;
  // MENU.report queues the caller at main/to_report: that is where they go back to if the centre does not answer.
  const twimlOf = (announcement: string, dial: string, service: string, node = 'to_report') =>
    `<?xml version="1.0" encoding="UTF-8"?><Response><Say language="zh-CN" voice="Polly.Zhiyu">${announcement}</Say>` +
    `<Dial timeout="30" action="${t.url}/twilio/emergency/done?flow=main&amp;node=${node}&amp;service=${service}" method="POST">${dial}</Dial></Response>`;

  beforeAll(async () => {
    api = await startTwilioApi();
    t = await startTestHotline({ TWILIO_API_BASE_URL: api.url, EMERGENCY_DIAL_120: '+862012000120', EMERGENCY_DIAL_119: 'sip:119@gw.example.gov.cn' });
  });
  afterAll(async () => {
    await t.close();
    await api.close();
  });
  beforeEach(() => {
    api.failWith = null;
  });

  const operatorWithCall = (username: string) => withCall(t, username, sidOf(n++), MENU.report);

  it('refuses other operators, managers and the service token at the socket, each with a clear error, and nothing reaches Twilio', async () => {
    const { op, sid } = await operatorWithCall('top1');
    const other = await operatorWithCall('top2');
    const manager = await wallboardClient(t.url, await t.signIn('tmanager', 'manager'));
    const tool = await wallboardClient(t.url, { token: t.config.consoleToken });
    const before = api.requests.length;
    expect(await transfer(other.op, { callSid: sid, to: '110' })).toEqual({ ok: false, error: TRANSFER_REFUSED.notYours });
    expect(await transfer(manager, { callSid: sid, to: '110' })).toEqual({ ok: false, error: "only the call's operator, supervisors and admins transfer calls (signed in as manager)" });
    expect(await transfer(tool, { callSid: sid, to: '110' })).toEqual({ ok: false, error: TRANSFER_REFUSED.service });
    // Bad requests say what is wrong.
    expect(await transfer(op, { callSid: sid, to: '911' as never })).toEqual({ ok: false, error: 'to: expected 110, 119 or 120' });
    expect(await transfer(op, { callSid: 'CA123', to: '110' })).toEqual({ ok: false, error: 'callSid: expected a CallSid' });
    expect(await transfer(op, { callSid: sidOf(0xdead), to: '110' })).toEqual({ ok: false, error: TRANSFER_REFUSED.noCall });
    expect(api.requests.length).toBe(before);
    expect(t.hotline.registry.get(sid)).toMatchObject({ state: 'queued', operator: { username: 'top1' } });
    expect(t.hotline.registry.get(sid)!.transfers).toBeUndefined();
    expect(op.operator('top1')).toMatchObject({ state: 'busy', callSid: sid });
    for (const s of [sid, other.sid]) await hangUp(t, s);
    for (const c of [op, other.op, manager, tool]) c.close();
  });

  it('redirects the call to the announcement and a <Dial> to the configured number; the operator goes to after-call work; a Twilio 500 first changes nothing', async () => {
    const { op, sid } = await operatorWithCall('top3');
    const board = await wallboardClient(t.url, await t.signIn('tsuper', 'supervisor'));
    hear(t, sid, '我家楼下着火了，烟很大，快派人来');
    await until(() => board.calls.get(sid)?.flagBrief.worst === 'emergency', 5000, 'the emergency flag');

    // WHEN Twilio answers 500, THEN the operator is told, the call stays with them, and the attempt is on record.
    api.failWith = 500;
    const error = 'Twilio answered 500: the caller is still with you; try again or dial the number yourself';
    expect(await transfer(op, { callSid: sid, to: '120' })).toEqual({ ok: false, error });
    expect(t.hotline.registry.get(sid)).toMatchObject({ state: 'queued', operator: { username: 'top3' } });
    expect(t.hotline.registry.get(sid)!.transfers).toEqual([{ to: '120', dialed: '+862012000120', by: 'top3', byName: 'top3', at: expect.any(String), error }]);
    expect(op.operator('top3')).toMatchObject({ state: 'busy', callSid: sid });
    const emergencyFlag = () => t.hotline.registry.find(sid)!.flags?.find((f) => f.key === 'urgent.emergency');
    expect(emergencyFlag()).toBeDefined();
    expect(emergencyFlag()!.decision).toBeUndefined();

    // WHEN Twilio accepts, THEN it received exactly one update of that call: the TwiML with the <Dial> to the configured number.
    api.failWith = null;
    const before = api.requests.length;
    const result = await transfer(op, { callSid: sid, to: '120' });
    expect(result).toEqual({ ok: true, transfer: { to: '120', dialed: '+862012000120', by: 'top3', byName: 'top3', at: expect.any(String) } });
    expect(api.requests.slice(before)).toHaveLength(1);
    const update = api.requests.at(-1)!;
    expect(update).toMatchObject({ method: 'POST', url: updateUrl(sid), auth: `Basic ${Buffer.from(`${ACCOUNT_SID}:${t.config.twilio.authToken}`).toString('base64')}` });
    expect([...update.body.keys()]).toEqual(['Twiml']);
    expect(update.body.get('Twiml')).toBe(twimlOf('正在为您转接120急救中心，请不要挂机。', '<Number>+862012000120</Number>', '120'));

    // The call leaves the operator (after-call work, as after a take-over); both see the transfer on the call.
    await until(() => op.operator('top3')?.state === 'after_call_work' && board.calls.get(sid)?.transfers.length === 2, 5000, 'the transfer on the board');
    expect(op.operator('top3')?.callSid).toBeNull();
    expect(op.calls.get(sid)?.transfers.map((x) => [x.to, x.error ?? null])).toEqual([['120', error], ['120', null]]);
    // Handing the caller to 120 confirms the emergency flag.
    expect(emergencyFlag()!.decision).toMatchObject({ decision: 'confirmed', by: 'top3' });
    // Once transferred, it cannot be transferred again.
    expect(await transfer(board, { callSid: sid, to: '110' })).toEqual({ ok: false, error: TRANSFER_REFUSED.done('120', 'top3') });
    // Nor taken over (that would take the caller away from 120), nor its operator alerted: they no longer have it.
    expect(await board.socket.timeout(5000).emitWithAck('call:step-in', { callSid: sid, action: 'take_over' })).toEqual({ ok: false, error: STEP_IN_REFUSED.transferred('120') });
    expect(await board.socket.timeout(5000).emitWithAck('call:step-in', { callSid: sid, action: 'alert_operator', message: '注意' })).toEqual({ ok: false, error: STEP_IN_REFUSED.noOperator });

    // The record reaches the store with the call.
    await hangUp(t, sid);
    await until(() => t.hotline.registry.find(sid)?.state === 'ended', 5000, 'the call to end');
    expect(t.hotline.registry.find(sid)!.transfers!.map((x) => [x.to, x.dialed, x.by, x.error ?? null])).toEqual([
      ['120', '+862012000120', 'top3', error],
      ['120', '+862012000120', 'top3', null],
    ]);
    for (const c of [op, board]) c.close();
  });

  it('lets a supervisor and an admin transfer any call; a SIP address is dialled with <Sip>, the default 110 as the number', async () => {
    const one = await operatorWithCall('top4');
    const two = await operatorWithCall('top5');
    const board = await wallboardClient(t.url, await t.signIn('tsuper', 'supervisor'));
    const admin = await wallboardClient(t.url, await t.signIn('tadmin', 'admin'));

    expect(await transfer(board, { callSid: one.sid, to: '119' })).toMatchObject({ ok: true, transfer: { to: '119', dialed: 'sip:119@gw.example.gov.cn', by: 'tsuper' } });
    expect(api.requests.at(-1)!.body.get('Twiml')).toBe(twimlOf('正在为您转接119消防救援，请不要挂机。', '<Sip>sip:119@gw.example.gov.cn</Sip>', '119'));
    expect(await transfer(admin, { callSid: two.sid, to: '110' })).toMatchObject({ ok: true, transfer: { to: '110', dialed: '110', by: 'tadmin' } });
    expect(api.requests.at(-1)).toMatchObject({ url: updateUrl(two.sid) });
    expect(api.requests.at(-1)!.body.get('Twiml')).toBe(twimlOf('正在为您转接110报警服务台，请不要挂机。', '<Number>110</Number>', '110'));
    await until(() => board.operator('top4')?.state === 'after_call_work' && board.operator('top5')?.state === 'after_call_work', 5000, 'both operators freed');
    for (const s of [one.sid, two.sid]) await hangUp(t, s);
    for (const c of [one.op, two.op, board, admin]) c.close();
  });

  it('refuses a second transfer while Twilio is still answering the first, and an operator whose call a supervisor took over', async () => {
    const { op, sid } = await operatorWithCall('top6');
    api.delayMs = 300;
    const [first, second] = await Promise.all([transfer(op, { callSid: sid, to: '110' }), transfer(op, { callSid: sid, to: '119' })]);
    api.delayMs = 0;
    expect(first).toMatchObject({ ok: true });
    expect(second).toEqual({ ok: false, error: TRANSFER_REFUSED.busy });
    expect(t.hotline.registry.get(sid)!.transfers).toHaveLength(1);
    await hangUp(t, sid);

    const taken = await operatorWithCall('top7');
    const board = await wallboardClient(t.url, await t.signIn('tsuper', 'supervisor'));
    expect(await board.socket.timeout(10_000).emitWithAck('call:step-in', { callSid: taken.sid, action: 'take_over' })).toMatchObject({ ok: true });
    expect(await transfer(taken.op, { callSid: taken.sid, to: '110' })).toEqual({ ok: false, error: TRANSFER_REFUSED.takenOver('tsuper') });
    await hangUp(t, taken.sid);
    for (const c of [op, taken.op, board]) c.close();
  });
  it('puts the caller back with the operators when the centre does not answer, and ends the hotline\'s part when it does', async () => {
    const { op, sid } = await operatorWithCall('top8');
    const board = await wallboardClient(t.url, await t.signIn('tsuper', 'supervisor'));
    expect(await transfer(op, { callSid: sid, to: '120' })).toMatchObject({ ok: true });
    await until(() => op.operator('top8')?.state === 'after_call_work', 5000, 'the operator freed by the transfer');
    const done = (query: string, status?: string) =>
      t.post(`/twilio/emergency/done?${query}`, callParams(sid, { CallStatus: 'in-progress', ...(status ? { DialCallStatus: status } : {}) }));

    // A malformed report is refused with what is wrong, and changes nothing.
    const noStatus = await done('flow=main&node=to_report&service=120');
    expect([noStatus.status, await noStatus.text()]).toEqual([400, 'parameters: DialCallStatus: Invalid input: expected string, received undefined']);
    const badService = await done('flow=main&node=to_report&service=911', 'no-answer');
    expect([badService.status, await badService.text()]).toEqual([400, 'query: service: expected 110, 119 or 120']);
    expect(t.hotline.registry.get(sid)!.transfers!.at(-1)!.dialStatus).toBeUndefined();

    // WHEN 120 does not answer, THEN the caller hears why and goes back to the queue they came from …
    const unanswered = await done('flow=main&node=to_report&service=120', 'no-answer');
    expect(unanswered.status).toBe(200);
    const twiml = await unanswered.text();
    expect(twiml).toContain('<Say language="zh-CN" voice="Polly.Zhiyu">抱歉，120暂时没有接通。请不要挂机，正在为您转回话务员。</Say>');
    expect(twiml).toMatch(/<Enqueue waitUrl="\/twilio\/queue\/wait\?flow=main&amp;node=to_report" waitUrlMethod="POST" action="\/twilio\/queue\/done\?flow=main&amp;node=to_report" method="POST">report<\/Enqueue>/);
    // … the board says 120 did not answer, the attempt stays on the call, and it can be tried again …
    await until(() => board.calls.get(sid)?.transfers.at(-1)?.dialStatus === 'no-answer' && !board.calls.get(sid)?.operator, 5000, 'the caller back in the queue');
    expect(t.hotline.registry.get(sid)!.transfers!.map((x) => [x.to, x.dialStatus ?? null])).toEqual([['120', 'no-answer']]);
    // … and the next free operator gets the caller.
    await op.socket.timeout(5000).emitWithAck('operator:state', 'available');
    await until(() => t.hotline.registry.get(sid)?.operator?.username === 'top8', 5000, 'the call given again');
    expect(await transfer(op, { callSid: sid, to: '120' })).toMatchObject({ ok: true });

    // WHEN the centre answers and the call with it ends, THEN so does the hotline's part.
    const answered = await done('flow=main&node=to_report&service=120', 'completed');
    expect(await answered.text()).toMatch(/<Say[^>]*>感谢您的来电，再见。<\/Say><Hangup\/>/);
    expect(t.hotline.registry.get(sid)!.transfers!.map((x) => [x.to, x.dialStatus ?? null])).toEqual([['120', 'no-answer'], ['120', 'completed']]);
    await hangUp(t, sid);
    for (const c of [op, board]) c.close();
  });
});
