import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleClient } from '../support/console-client.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { registryCall } from '../support/registry-call.ts';

// GIVEN an operator with a call on which a flag was raised, another operator, a supervisor and the
// service token, each with a real socket.io client; WHEN the call's operator asks for the supervisor
// about the flag (`call:escalate`); THEN the supervisors receive alert:supervisor (number masked),
// and the server refuses the request from anyone else, for a flag the call does not have, and malformed.
describe('an operator alerting the supervisors about a flag', () => {
  let t: TestHotline;
  beforeAll(async () => {
    t = await startTestHotline();
  });
  afterAll(() => t.close());

  it('reaches the supervisors, and only the call’s operator may ask', async () => {
    const op = await consoleClient(t.url, await t.signIn('esc-op', 'operator'));
    await until(() => op.states.some((s) => s.username === 'esc-op' && s.state === 'available'), 5000, 'operator available');
    const call = registryCall(t.hotline, '+8613700001234');
    await until(() => t.hotline.registry.get(call.callSid)?.operator?.username === 'esc-op', 5000, 'the call assigned');
    const other = await consoleClient(t.url, await t.signIn('esc-other', 'operator'));
    const supervisor = await consoleClient(t.url, await t.signIn('esc-super', 'supervisor'));
    const tool = await consoleClient(t.url, { token: t.config.consoleToken });
    try {
      call.say('caller', '你们这帮废物', 1000);
      await until(() => op.flags.some((u) => u.callSid === call.callSid && u.flags.some((f) => f.key === 'abuse.insult')), 10_000, 'the insult flag');
      supervisor.alerts.length = 0;

      expect(await other.socket.timeout(5000).emitWithAck('call:escalate', { callSid: call.callSid, key: 'abuse.insult' })).toEqual({ ok: false, error: 'that call is not assigned to you' });
      expect(await tool.socket.timeout(5000).emitWithAck('call:escalate', { callSid: call.callSid, key: 'abuse.insult' })).toMatchObject({ ok: false, error: expect.stringContaining('service token') });
      expect(await op.socket.timeout(5000).emitWithAck('call:escalate', { callSid: call.callSid, key: 'urgent.emergency' })).toEqual({ ok: false, error: 'no flag urgent.emergency on that call' });
      expect(await op.socket.timeout(5000).emitWithAck('call:escalate', { callSid: 'CA-nope', key: 'abuse.insult' })).toMatchObject({ ok: false, error: expect.stringContaining('callSid') });
      expect(supervisor.alerts).toEqual([]);

      expect(await op.socket.timeout(5000).emitWithAck('call:escalate', { callSid: call.callSid, key: 'abuse.insult' })).toEqual({ ok: true });
      await until(() => supervisor.alerts.length === 1, 5000, 'the supervisor alerted');
      expect(supervisor.alerts[0]).toMatchObject({ callSid: call.callSid, reason: 'operator', flag: { key: 'abuse.insult' }, caller: '+86 137****1234' });
      expect(other.alerts).toEqual([]);
    } finally {
      call.end();
      for (const c of [op, other, supervisor, tool]) c.close();
    }
  });
});
