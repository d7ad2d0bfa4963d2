import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { consoleClient } from '../support/console-client.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';

// GIVEN two operators and a supervisor, each with a real socket.io client signed in with their own
// session, and the service token of the tools; WHEN two simulated callers reach an operator at once;
// THEN each call goes to one operator, who receives that call's events and none of the other's
// (checked at the socket, not on a screen), while the supervisor and the service token receive both.
const A = parseScenario({ caller: '+8613800001111', ivr: ['0'], caller_says: ['我想问一下公积金怎么提取', '需要带什么材料'], operator_says: ['您好，12345热线，请讲'] });
const B = parseScenario({ caller: '+8613900002222', ivr: ['0'], caller_says: ['楼下工地晚上十二点还在施工，你们这帮废物'], operator_says: ['请问具体是哪个小区'] });

describe('each operator receives only their own calls', () => {
  let t: TestHotline;
  beforeAll(async () => {
    t = await startTestHotline();
  });
  afterAll(() => t.close());

  it('routes each call to one operator, its events to that operator and the supervisors only, and refuses requests about the other call', async () => {
    const op1 = await consoleClient(t.url, await t.signIn('op1', 'operator'));
    await until(() => op1.states.some((s) => s.username === 'op1' && s.state === 'available'), 5000, "op1's state");
    const op2 = await consoleClient(t.url, await t.signIn('op2', 'operator'));
    const supervisor = await consoleClient(t.url, await t.signIn('super', 'supervisor'));
    const tool = await consoleClient(t.url, { token: t.config.consoleToken });
    try {
      const a = t.call(A, { pace: 'realtime' });
      const b = t.call(B, { pace: 'realtime' });
      const running = Promise.all([a.run(), b.run()]);
      await until(() => Boolean(t.hotline.registry.get(a.callSid)?.operator && t.hotline.registry.get(b.callSid)?.operator), 20_000, 'both calls assigned');
      const operatorOf = (sid: string) => t.hotline.registry.get(sid)!.operator!.username;
      expect([operatorOf(a.callSid), operatorOf(b.callSid)].sort()).toEqual(['op1', 'op2']);
      const mine = { op1: operatorOf(a.callSid) === 'op1' ? a.callSid : b.callSid, op2: operatorOf(a.callSid) === 'op1' ? b.callSid : a.callSid };

      // While both calls are live, an operator may not read or act on the other's call.
      const NOT_YOURS = { ok: false, error: 'that call is not assigned to you' };
      expect(await op1.socket.timeout(5000).emitWithAck('call:get', mine.op2)).toEqual(NOT_YOURS);
      expect(await op1.socket.timeout(5000).emitWithAck('flag:decide', { callSid: mine.op2, key: 'abuse.insult', decision: 'dismissed' })).toEqual(NOT_YOURS);
      expect(await op1.socket.timeout(5000).emitWithAck('kb:used', { callSid: mine.op2, id: 'gjj.withdraw_rent', rank: 1 })).toEqual(NOT_YOURS);
      expect(await op1.socket.timeout(5000).emitWithAck('call:warn', mine.op2)).toEqual(NOT_YOURS);
      expect(await op2.socket.timeout(5000).emitWithAck('call:get', mine.op1)).toEqual(NOT_YOURS);
      // Their own call, yes; the supervisor every call; the service token reads but does not act.
      expect(await op1.socket.timeout(5000).emitWithAck('call:get', mine.op1)).toMatchObject({ ok: true, call: { callSid: mine.op1, operator: { username: 'op1' } } });
      expect(await supervisor.socket.timeout(5000).emitWithAck('call:get', mine.op1)).toMatchObject({ ok: true });
      expect(await tool.socket.timeout(5000).emitWithAck('call:get', mine.op2)).toMatchObject({ ok: true });
      expect(await tool.socket.timeout(5000).emitWithAck('flag:decide', { callSid: mine.op2, key: 'abuse.insult', decision: 'dismissed' })).toMatchObject({ ok: false, error: expect.stringContaining('service token') });

      await running;
      await until(() => supervisor.ended.has(a.callSid) && supervisor.ended.has(b.callSid) && op1.ended.has(mine.op1) && op2.ended.has(mine.op2), 15_000, 'both calls to end');

      // THEN, at the socket level: each operator heard of their own call only, with its words.
      expect([...op1.seen]).toEqual([mine.op1]);
      expect([...op2.seen]).toEqual([mine.op2]);
      for (const [client, sid] of [[op1, mine.op1], [op2, mine.op2]] as const) {
        expect(client.lines.length).toBeGreaterThan(0);
        expect(client.lines.every((l) => l.callSid === sid)).toBe(true);
        expect(client.suggestions.every((u) => u.callSid === sid) && client.flags.every((u) => u.callSid === sid)).toBe(true);
        expect(client.alerts.every((x) => x.callSid === sid)).toBe(true);
        const says = sid === a.callSid ? A.caller_says : B.caller_says;
        expect(client.lines.filter((l) => l.final && l.speaker === 'caller').map((l) => l.text)).toEqual(says);
      }
      // The supervisor and the service token heard both calls, start to end.
      for (const watcher of [supervisor, tool]) {
        expect(watcher.started).toEqual(expect.arrayContaining([a.callSid, b.callSid]));
        expect(new Set(watcher.lines.filter((l) => l.final).map((l) => l.callSid))).toEqual(new Set([a.callSid, b.callSid]));
      }
      // The end of each call put its operator in after-call work, which they and the supervisor were told.
      expect(op1.states.at(-1)).toMatchObject({ username: 'op1', state: 'after_call_work', callSid: null });
      expect(supervisor.states.filter((s) => s.username === 'op2').at(-1)).toMatchObject({ state: 'after_call_work' });
      expect(op1.states.every((s) => s.username === 'op1')).toBe(true); // an operator is told their own state only
    } finally {
      for (const c of [op1, op2, supervisor, tool]) c.close();
    }
  }, 60_000);

  it('lets an operator set their own state, validated, and refuses it for other roles', async () => {
    const op = await consoleClient(t.url, await t.signIn('op3', 'operator'));
    const supervisor = await consoleClient(t.url, await t.signIn('super', 'supervisor'));
    try {
      expect(await op.socket.timeout(5000).emitWithAck('operator:state', 'busy')).toMatchObject({ ok: true, status: { username: 'op3', state: 'busy' } });
      expect(await op.socket.timeout(5000).emitWithAck('operator:state', 'lunch' as never)).toEqual({ ok: false, error: 'expected one of available, busy, after_call_work' });
      expect(t.hotline.dispatcher.status(t.hotline.users.find('op3')!.id)?.state).toBe('busy');
      // A busy operator is given no call: it waits until they are available.
      const call = t.call(parseScenario({ caller: '+8613700007777', ivr: ['0'], caller_says: ['我想咨询一下社保'] }), { pace: 'realtime' });
      const running = call.run();
      await until(() => t.hotline.registry.get(call.callSid)?.state === 'queued', 20_000, 'the call to queue');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(t.hotline.registry.get(call.callSid)?.operator).toBeUndefined();
      expect(op.seen.has(call.callSid)).toBe(false);
      expect(await op.socket.timeout(5000).emitWithAck('operator:state', 'available')).toMatchObject({ ok: true });
      await until(() => t.hotline.registry.get(call.callSid)?.operator?.username === 'op3', 5000, 'the waiting call to be assigned');
      await until(() => op.seen.has(call.callSid), 5000, 'the operator to hear of it');
      expect(await supervisor.socket.timeout(5000).emitWithAck('operator:state', 'available')).toEqual({ ok: false, error: 'only operators take calls and have a state' });
      await running;
    } finally {
      op.close();
      supervisor.close();
    }
  }, 60_000);
});
