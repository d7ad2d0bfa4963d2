import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { consoleClient } from '../support/console-client.ts';
import { ACCOUNT_SID, startTestHotline, until, type TestHotline } from '../support/hotline.ts';

// GIVEN a server with the shipped rules, the real speech SDK against the emulator, and a real console client.
describe('live flags on the console', () => {
  let t: TestHotline;
  // A local server standing in for Twilio's REST API: it records what the twilio client sends.
  const twilioApi: { method: string; url: string; auth: string; body: URLSearchParams }[] = [];
  let answer = 200;
  const api = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      twilioApi.push({ method: req.method!, url: req.url!, auth: req.headers.authorization ?? '', body: new URLSearchParams(body) });
      res.writeHead(answer, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer === 200 ? { sid: req.url!.match(/Calls\/(CA\w+)/)?.[1], status: 'in-progress' } : { code: 20404, message: 'not found', status: answer }));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    t = await startTestHotline({ TWILIO_API_BASE_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await t.close();
    api.close();
  });

  it('raises an abuse flag within a second of the words, with the evidence and the script; the operator can dismiss it', async () => {
    const client = await consoleClient(t.url, await t.signIn('super'));
    const abuse = '你们这帮废物，办个事磨磨蹭蹭的，蠢货';
    const call = t.call(parseScenario({ caller: '+8613800009999', ivr: ['0'], caller_says: [abuse, '我就骂你了怎么样，傻X'], operator_says: ['请您文明用语', '如果您继续辱骂，我将按照规定结束本次通话，请您说明需要办理的事项'] }), { pace: 'realtime' });
    const running = call.run();
    await until(() => client.lines.some((l) => l.callSid === call.callSid && l.final && l.text === abuse), 20_000, 'the first sentence');
    const final = client.lines.find((l) => l.callSid === call.callSid && l.final && l.text === abuse)!;
    await until(() => client.flags.some((u) => u.callSid === call.callSid && u.flags.some((f) => f.key === 'abuse.insult')), 5_000, 'the abuse flag');
    const raised = client.flags.find((u) => u.callSid === call.callSid && u.flags.some((f) => f.key === 'abuse.insult'))!;
    // THEN: no later than a second after the sentence was final (often earlier, from partials).
    expect(raised.receivedMs - final.receivedMs).toBeLessThan(1000);
    const flag = raised.flags.find((f) => f.key === 'abuse.insult')!;
    expect(flag.evidence.join()).toMatch(/废物|蠢货/);
    expect(flag.script).toContain('文明');

    // The second abusive sentence counts, and reaching `warnAt` offers the warning.
    await until(() => client.flags.some((u) => u.callSid === call.callSid && u.flags.some((f) => f.key === 'abuse.insult' && f.count === 2 && f.warn === true)), 20_000, 'the second count');

    // The operator plays the warning: the twilio client updates the call with the warning and a hang-up.
    answer = 404;
    expect(await client.socket.timeout(10_000).emitWithAck('call:warn', call.callSid)).toEqual({ ok: false, error: 'Twilio answered 404' });
    answer = 200;
    expect(await client.socket.timeout(10_000).emitWithAck('call:warn', call.callSid)).toEqual({ ok: true });
    const update = twilioApi.at(-1)!;
    expect(update).toMatchObject({ method: 'POST', url: `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${call.callSid}.json` });
    expect(update.auth).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${t.config.twilio.authToken}`).toString('base64')}`);
    expect(update.body.get('Twiml')).toMatch(/<Say[^>]*>[^<]*侮辱性语言[^<]*<\/Say><Hangup\/>/);
    expect(await client.socket.timeout(5000).emitWithAck('call:warn', 'CA' + '0'.repeat(32))).toMatchObject({ ok: false });
    // Playing the warning confirmed the flag; the operator may still change their mind.
    expect(t.hotline.registry.get(call.callSid)?.flags).toEqual([expect.objectContaining({ key: 'abuse.insult', decision: expect.objectContaining({ decision: 'confirmed' }) })]);
    const dismissed = await client.socket.timeout(5000).emitWithAck('flag:decide', { callSid: call.callSid, key: 'abuse.insult', decision: 'dismissed' });
    expect(dismissed).toMatchObject({ ok: true, flag: { decision: { decision: 'dismissed' } } });
    expect(t.hotline.registry.get(call.callSid)?.flags).toEqual([expect.objectContaining({ key: 'abuse.insult', decision: expect.objectContaining({ decision: 'dismissed' }) })]);
    // The words it was raised on are kept with the decision (the whole sentence, not a partial's first words),
    // so `npm run examples -- harvest` can make them a counter-example.
    expect(t.hotline.registry.get(call.callSid)?.flags?.[0]?.heard).toContain(abuse);
    expect(await client.socket.timeout(5000).emitWithAck('flag:decide', { callSid: call.callSid, key: 'urgent.emergency', decision: 'confirmed' })).toMatchObject({ ok: false });
    await running;
    // After the caller hung up, in the operator's after-call work, a flag can still be decided.
    await until(() => client.ended.has(call.callSid), 10_000, 'the call to end');
    expect(t.hotline.registry.get(call.callSid)).toBeUndefined();
    const later = await client.socket.timeout(5000).emitWithAck('flag:decide', { callSid: call.callSid, key: 'abuse.insult', decision: 'confirmed' });
    expect(later).toMatchObject({ ok: true, flag: { key: 'abuse.insult', script: expect.stringContaining('文明'), decision: { decision: 'confirmed' } } });
    expect(t.hotline.registry.find(call.callSid)?.flags?.find((f) => f.key === 'abuse.insult')?.decision?.decision).toBe('confirmed');
    client.close();
  }, 60_000);

  it('flags the third call from one number within a day as it starts, listing the earlier calls', async () => {
    const client = await consoleClient(t.url, await t.signIn('super'));
    const scenario = parseScenario({ caller: '+8613911112222', ivr: ['0'], caller_says: ['公积金提取怎么办'] });
    const first = t.call(scenario, { pace: 'fast' });
    await first.run();
    const second = t.call(scenario, { pace: 'fast' });
    await second.run();
    await until(() => client.ended.has(first.callSid) && client.ended.has(second.callSid), 10_000, 'two calls to end');
    expect(client.flags.filter((u) => [first.callSid, second.callSid].includes(u.callSid)).flatMap((u) => u.flags).filter((f) => f.kind === 'repeat')).toEqual([]);

    const third = t.call(scenario, { pace: 'fast' });
    const running = third.run();
    await until(() => client.flags.some((u) => u.callSid === third.callSid && u.flags.some((f) => f.key === 'repeat.frequent')), 10_000, 'the repeat flag');
    const flag = client.flags.find((u) => u.callSid === third.callSid)!.flags.find((f) => f.key === 'repeat.frequent')!;
    expect(flag.earlier).toHaveLength(2);
    expect(flag.earlier!.map((c) => c.outcome)).toEqual(['completed', 'completed']);
    // Raised before the caller said anything: it comes from the number's history.
    expect(client.lines.some((l) => l.callSid === third.callSid && l.receivedMs < client.flags.find((u) => u.callSid === third.callSid)!.receivedMs)).toBe(false);
    await running;
    client.close();
  });

  it('alerts the supervisor at once on a threat', async () => {
    const client = await consoleClient(t.url, await t.signIn('super'));
    const call = t.call(parseScenario({ caller: '+8613700003333', ivr: ['0'], caller_says: ['我明天就去你们单位门口堵你'] }), { pace: 'fast' });
    await call.run();
    await until(() => client.alerts.some((a) => a.callSid === call.callSid), 10_000, 'the supervisor alert');
    expect(client.alerts.find((a) => a.callSid === call.callSid)).toMatchObject({ flag: { kind: 'abuse', category: 'threat' }, caller: '+86 137****3333' });
    client.close();
  });
});
