import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENDED_BY_SUPERVISOR } from '../../server/calls/registry.ts';
import type { StepInRequest } from '../../server/console/contract.ts';
import { STEP_IN_REFUSED } from '../../server/console/step-in.ts';
import { ACCOUNT_SID, callParams, startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { hangUp, operatorWithCall as withCall, MENU, queueCall, sidOf } from '../support/queued-call.ts';
import { startTwilioApi } from '../support/twilio-api.ts';
import { wallboardClient } from '../support/wallboard-client.ts';

// GIVEN a server whose twilio client talks to a local stand-in for Twilio's REST API, two
// operators each on a call put through the real webhooks, and real socket.io clients for a
// supervisor, an admin, a manager and the service token;
// WHEN they step into the calls; THEN only supervisors and admins may, Twilio receives exactly
// the request it needs, every step-in is on the call record, and a Twilio failure loses nothing.
describe('a supervisor stepping into a call', () => {
  let t: TestHotline;
  let api: Awaited<ReturnType<typeof startTwilioApi>>;
  let n = 0x5000;
  const ack = (client: { socket: { timeout(ms: number): { emitWithAck(e: 'call:step-in', r: StepInRequest): Promise<unknown> } } }, request: StepInRequest) =>
    client.socket.timeout(10_000).emitWithAck('call:step-in', request);
  const updateUrl = (sid: string) => `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid}.json`;

  beforeAll(async () => {
    api = await startTwilioApi();
    t = await startTestHotline({ TWILIO_API_BASE_URL: api.url });
  });
  afterAll(async () => {
    await t.close();
    await api.close();
  });
  beforeEach(() => {
    api.failWith = null;
  });

  const operatorWithCall = (username: string) => withCall(t, username, sidOf(n++), MENU.complaint);

  it('refuses operators, managers and the service token at the socket, each with a clear error, and nothing reaches Twilio', async () => {
    const { op, sid } = await operatorWithCall('sop1');
    const manager = await wallboardClient(t.url, await t.signIn('smanager', 'manager'));
    const tool = await wallboardClient(t.url, { token: t.config.consoleToken });
    const before = api.requests.length;
    for (const request of [{ callSid: sid, action: 'end', reason: '辱骂' }, { callSid: sid, action: 'take_over' }, { callSid: sid, action: 'alert_operator', message: '注意' }] as StepInRequest[]) {
      expect(await ack(op, request)).toEqual({ ok: false, error: 'only supervisors and admins step into calls (signed in as operator)' });
      expect(await ack(manager, request)).toEqual({ ok: false, error: 'only supervisors and admins step into calls (signed in as manager)' });
      expect(await ack(tool, request)).toEqual({ ok: false, error: STEP_IN_REFUSED.service });
    }
    expect(api.requests.length).toBe(before);
    expect(t.hotline.registry.get(sid)).toMatchObject({ state: 'queued', operator: { username: 'sop1' } });
    expect(t.hotline.registry.get(sid)!.stepIns).toBeUndefined();
    await hangUp(t, sid);
    for (const c of [op, manager, tool]) c.close();
  });

  it('says what is wrong with a bad request', async () => {
    const { op, sid } = await operatorWithCall('sop2');
    const admin = await wallboardClient(t.url, await t.signIn('sadmin', 'admin'));
    expect(await ack(admin, { callSid: sid, action: 'end', reason: '  ' })).toEqual({ ok: false, error: 'reason: say why the call is ended' });
    expect(await ack(admin, { callSid: sid, action: 'alert_operator' } as never)).toMatchObject({ ok: false, error: expect.stringMatching(/^message: /) });
    expect(await ack(admin, { callSid: sid, action: 'mute' } as never)).toEqual({ ok: false, error: 'action: expected alert_operator, take_over or end' });
    expect(await ack(admin, { callSid: 'CA123', action: 'take_over' })).toEqual({ ok: false, error: 'callSid: expected a CallSid' });
    expect(await ack(admin, { callSid: sidOf(0xdead), action: 'take_over' })).toEqual({ ok: false, error: 'no live call with that CallSid' });
    // An admin may step in: the alert reaches the operator.
    expect(await ack(admin, { callSid: sid, action: 'alert_operator', message: '请注意来电人情绪' })).toMatchObject({ ok: true });
    await until(() => op.stepIns.length === 1, 5000, 'the alert at the operator');
    await hangUp(t, sid);
    for (const c of [op, admin]) c.close();
  });

  it('alerts the call’s operator only, and keeps the alert on the call', async () => {
    const one = await operatorWithCall('sop3');
    const other = await operatorWithCall('sop4');
    const board = await wallboardClient(t.url, await t.signIn('ssuper', 'supervisor'));
    const result = await ack(board, { callSid: one.sid, action: 'alert_operator', message: '来电人多次辱骂，可按规定结束通话' });
    expect(result).toMatchObject({ ok: true, stepIn: { action: 'alert_operator', by: 'ssuper', message: '来电人多次辱骂，可按规定结束通话' } });
    await until(() => one.op.stepIns.length === 1 && board.stepIns.length === 1, 5000, 'the alert');
    expect(one.op.stepIns[0]).toEqual({ callSid: one.sid, stepIn: { action: 'alert_operator', by: 'ssuper', byName: 'ssuper', message: '来电人多次辱骂，可按规定结束通话', at: expect.any(String) } });
    await new Promise((r) => setTimeout(r, 200));
    expect(other.op.stepIns).toEqual([]);
    expect(t.hotline.registry.get(one.sid)!.stepIns).toEqual([one.op.stepIns[0]!.stepIn]);
    expect(board.calls.get(one.sid)!.stepIns).toHaveLength(1);
    // No operator to alert on a call still waiting.
    const waiting = sidOf(n++);
    await queueCall(t, waiting, { key: MENU.report });
    expect(await ack(board, { callSid: waiting, action: 'alert_operator', message: '请接听' })).toEqual({ ok: false, error: STEP_IN_REFUSED.noOperator });
    for (const sid of [one.sid, other.sid, waiting]) await hangUp(t, sid);
    for (const c of [one.op, other.op, board]) c.close();
  });

  it('ends a call through Twilio with the reason kept; a Twilio failure leaves the call as it was', async () => {
    const { op, sid } = await operatorWithCall('sop5');
    const board = await wallboardClient(t.url, await t.signIn('ssuper'));

    // WHEN Twilio fails, THEN the supervisor is told, the call goes on with its operator, and the attempt is on record.
    api.failWith = 500;
    expect(await ack(board, { callSid: sid, action: 'end', reason: '来电人持续辱骂话务员' })).toEqual({ ok: false, error: 'Twilio answered 500: the call goes on' });
    expect(t.hotline.registry.get(sid)).toMatchObject({ state: 'queued', twilioStatus: 'in-progress', operator: { username: 'sop5' } });
    expect(t.hotline.registry.get(sid)!.stepIns).toEqual([expect.objectContaining({ action: 'end', by: 'ssuper', error: 'Twilio answered 500: the call goes on' })]);
    expect(op.stepIns).toEqual([]); // a failed step-in is not announced to the operator

    api.failWith = null;
    const before = api.requests.length;
    const result = await ack(board, { callSid: sid, action: 'end', reason: '来电人持续辱骂话务员' });
    expect(result).toMatchObject({ ok: true, stepIn: { action: 'end', by: 'ssuper', reason: '来电人持续辱骂话务员' } });
    // THEN Twilio received exactly one update of that call: status=completed, with the account's credentials.
    expect(api.requests.slice(before)).toHaveLength(1);
    const update = api.requests.at(-1)!;
    expect(update).toMatchObject({ method: 'POST', url: updateUrl(sid), auth: `Basic ${Buffer.from(`${ACCOUNT_SID}:${t.config.twilio.authToken}`).toString('base64')}` });
    expect([...update.body.entries()]).toEqual([['Status', 'completed']]);
    // The call ends (no media stream here) with the supervisor's reason, the operator told both ways.
    await until(() => op.ended.has(sid) && board.ended.has(sid), 5000, 'the call to end');
    expect(op.ended.get(sid)).toBe(ENDED_BY_SUPERVISOR);
    expect(op.stepIns.map((e) => e.stepIn.action)).toEqual(['end']);
    const record = t.hotline.registry.find(sid)!;
    expect(record).toMatchObject({ state: 'ended', endReason: ENDED_BY_SUPERVISOR });
    expect(record.stepIns!.map((s) => [s.action, s.by, s.reason, s.error ?? null])).toEqual([
      ['end', 'ssuper', '来电人持续辱骂话务员', 'Twilio answered 500: the call goes on'],
      ['end', 'ssuper', '来电人持续辱骂话务员', null],
    ]);
    expect(await ack(board, { callSid: sid, action: 'end', reason: '再次' })).toEqual({ ok: false, error: 'no live call with that CallSid' });
    // The operator is in after-call work and may still write the wrap-up.
    expect(board.operator('sop5')?.state).toBe('after_call_work');
    for (const c of [op, board]) c.close();
  });

  it('takes a call over: Twilio moves the caller to the supervisor’s softphone, the operator is freed, and a ring with no answer puts the caller back in the queue', async () => {
    const { op, sid } = await operatorWithCall('sop6');
    const board = await wallboardClient(t.url, await t.signIn('ssuper'));

    api.failWith = 503;
    expect(await ack(board, { callSid: sid, action: 'take_over' })).toEqual({ ok: false, error: 'Twilio answered 503: the call stays as it was' });
    expect(t.hotline.registry.get(sid)).toMatchObject({ operator: { username: 'sop6' } });
    expect(t.hotline.registry.get(sid)!.takenOver).toBeUndefined();
    expect(board.operator('sop6')).toMatchObject({ state: 'busy', callSid: sid });

    api.failWith = null;
    const result = await ack(board, { callSid: sid, action: 'take_over' });
    expect(result).toMatchObject({ ok: true, stepIn: { action: 'take_over', by: 'ssuper' } });
    const update = api.requests.at(-1)!;
    expect(update).toMatchObject({ method: 'POST', url: updateUrl(sid) });
    expect([...update.body.keys()]).toEqual(['Twiml']);
    expect(update.body.get('Twiml')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        '<Say language="zh-CN" voice="Polly.Zhiyu">请稍候，正在为您转接值班长。</Say>' +
        `<Dial timeout="25" action="${t.url}/twilio/takeover/done?flow=main&amp;node=to_complaint" method="POST"><Client>ssuper</Client></Dial>` +
        '</Response>',
    );
    // The dispatcher and the rooms reflect it: the operator is free for after-call work, the call shows who has it.
    await until(() => board.operator('sop6')?.state === 'after_call_work' && board.calls.get(sid)?.takenOver?.username === 'ssuper', 5000, 'the take-over on the board');
    expect(board.operator('sop6')?.callSid).toBeNull();
    expect(op.stepIns.map((e) => e.stepIn.action)).toEqual(['take_over']);
    expect(op.calls.get(sid)?.takenOver).toMatchObject({ username: 'ssuper', displayName: 'ssuper' });
    expect(await ack(board, { callSid: sid, action: 'take_over' })).toEqual({ ok: false, error: 'already taken over by ssuper' });
    expect(await ack(board, { callSid: sid, action: 'alert_operator', message: '…' })).toEqual({ ok: false, error: STEP_IN_REFUSED.noOperator });

    // A malformed report is refused with the field named, and changes nothing.
    const bad = await t.post('/twilio/takeover/done?flow=main&node=to_complaint', callParams(sid, { CallStatus: 'in-progress' }));
    expect([bad.status, await bad.text()]).toEqual([400, 'parameters: DialCallStatus: Invalid input: expected string, received undefined']);
    expect(t.hotline.registry.get(sid)!.takenOver).toMatchObject({ username: 'ssuper' });

    // WHEN the supervisor's softphone does not answer, Twilio asks what next: THEN the caller goes back to their queue.
    const done = await t.post('/twilio/takeover/done?flow=main&node=to_complaint', callParams(sid, { CallStatus: 'in-progress', DialCallStatus: 'no-answer' }));
    expect(done.status).toBe(200);
    const twiml = await done.text();
    expect(twiml).toContain('<Say language="zh-CN" voice="Polly.Zhiyu">抱歉，值班长暂时无法接听，正在为您转回人工服务，请稍候。</Say>');
    expect(twiml).toMatch(/<Enqueue waitUrl="\/twilio\/queue\/wait\?flow=main&amp;node=to_complaint" waitUrlMethod="POST" action="\/twilio\/queue\/done\?flow=main&amp;node=to_complaint" method="POST">complaint<\/Enqueue>/);
    expect(twiml).not.toContain('<Stream'); // the stream started at the transfer runs on
    await until(() => board.queues.find((q) => q.queue === 'complaint')?.waiting === 1, 5000, 'the caller back in the queue');
    expect(board.calls.get(sid)?.takenOver).toBeUndefined();
    // The next free operator gets it.
    await op.socket.timeout(5000).emitWithAck('operator:state', 'available');
    await until(() => t.hotline.registry.get(sid)?.operator?.username === 'sop6', 5000, 'the call given again');

    // A second take-over, answered this time: when the supervisor hangs up, the call ends.
    expect(await ack(board, { callSid: sid, action: 'take_over' })).toMatchObject({ ok: true });
    const answered = await t.post('/twilio/takeover/done?flow=main&node=to_complaint', callParams(sid, { CallStatus: 'in-progress', DialCallStatus: 'completed' }));
    expect(await answered.text()).toMatch(/<Say[^>]*>感谢您的来电，再见。<\/Say><Hangup\/>/);
    expect(t.hotline.registry.get(sid)!.takenOver).toMatchObject({ username: 'ssuper', dialStatus: 'completed' });
    await hangUp(t, sid);
    expect(t.hotline.registry.find(sid)!.stepIns!.map((s) => [s.action, s.error ?? null])).toEqual([
      ['take_over', 'Twilio answered 503: the call stays as it was'],
      ['take_over', null],
      ['take_over', null],
    ]);
    for (const c of [op, board]) c.close();
  });

  it('refuses a second step-in while Twilio is still answering the first', async () => {
    const { op, sid } = await operatorWithCall('sop7');
    const board = await wallboardClient(t.url, await t.signIn('ssuper'));
    api.delayMs = 300;
    const [first, second] = await Promise.all([ack(board, { callSid: sid, action: 'end', reason: '辱骂' }), ack(board, { callSid: sid, action: 'take_over' })]);
    api.delayMs = 0;
    expect(first).toMatchObject({ ok: true });
    expect(second).toEqual({ ok: false, error: STEP_IN_REFUSED.busy });
    await until(() => op.ended.has(sid), 5000, 'the call to end');
    for (const c of [op, board]) c.close();
  });

  it('cannot take over a caller still in the IVR menu', async () => {
    const board = await wallboardClient(t.url, await t.signIn('ssuper'));
    const sid = sidOf(n++);
    await t.post('/twilio/voice', callParams(sid));
    expect(await ack(board, { callSid: sid, action: 'take_over' })).toEqual({ ok: false, error: STEP_IN_REFUSED.inIvr });
    await hangUp(t, sid);
    board.close();
  });
});
