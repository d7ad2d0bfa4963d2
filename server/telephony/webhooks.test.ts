import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_SID, callParams, startTestHotline, type TestHotline } from '../../test/support/hotline.ts';

const sid = (n: number) => `CA${String(n).padStart(32, '0')}`;

describe('Twilio webhooks', () => {
  let t: TestHotline;
  beforeAll(async () => {
    t = await startTestHotline({ TWILIO_ACCOUNT_SID: ACCOUNT_SID });
  });
  afterAll(() => t.close());

  it('answers a signed incoming call with TwiML and registers the call', async () => {
    const res = await t.post('/twilio/voice', callParams(sid(1)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await res.text()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Say/);
    expect(t.hotline.registry.get(sid(1))).toMatchObject({ state: 'ivr', from: '+8613800001234' });
  });

  it('refuses a forged signature with 403 and changes nothing', async () => {
    const res = await t.post('/twilio/voice', callParams(sid(2)), { 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' });
    expect(res.status).toBe(403);
    expect(t.hotline.registry.get(sid(2))).toBeUndefined();
  });

  it('refuses a request signed for other parameters (tampered body) with 403', async () => {
    const good = callParams(sid(3));
    const signedFor = { ...good, From: '+8613900000000' };
    const twilio = (await import('twilio')).default;
    const signature = twilio.getExpectedTwilioSignature(t.config.twilio.authToken, `${t.url}/twilio/voice`, signedFor);
    const res = await fetch(`${t.url}/twilio/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(good).toString(),
    });
    expect(res.status).toBe(403);
    expect(t.hotline.registry.get(sid(3))).toBeUndefined();
  });

  it('refuses a request without a signature with 400', async () => {
    const res = await fetch(`${t.url}/twilio/voice`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(callParams(sid(4))).toString() });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/X-Twilio-Signature/);
    expect(t.hotline.registry.get(sid(4))).toBeUndefined();
  });

  it('refuses a signed but malformed webhook with 400 naming the field', async () => {
    const res = await t.post('/twilio/voice', callParams('CA-not-a-sid'));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CallSid/);
    const bad = await t.post('/twilio/ivr?flow=main&node=main_menu&attempt=99', callParams(sid(5)));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/attempt/);
    expect(t.hotline.registry.get(sid(5))).toBeUndefined();
  });

  it('refuses another Twilio account with 403', async () => {
    const res = await t.post('/twilio/voice', callParams(sid(6), { AccountSid: `AC${'f'.repeat(32)}` }));
    expect(res.status).toBe(403);
    expect(t.hotline.registry.get(sid(6))).toBeUndefined();
  });

  it('takes a retried incoming-call webhook as the same call', async () => {
    await t.post('/twilio/voice', callParams(sid(7)));
    await t.post('/twilio/voice', callParams(sid(7)));
    expect(t.hotline.registry.liveCalls().filter((c) => c.callSid === sid(7))).toHaveLength(1);
  });

  it('follows a menu choice and ends the call on the final status', async () => {
    await t.post('/twilio/voice', callParams(sid(8)));
    const res = await t.post('/twilio/ivr?flow=main&node=main_menu&attempt=1', callParams(sid(8), { CallStatus: 'in-progress', Digits: '2' }));
    expect(await res.text()).toContain('<Enqueue');
    expect(t.hotline.registry.get(sid(8))?.queue).toBe('complaint');
    const done = await t.post('/twilio/status', callParams(sid(8), { CallStatus: 'completed' }));
    expect(done.status).toBe(204);
    expect(t.hotline.registry.get(sid(8))).toBeUndefined();
  });

  it('tells a queued caller their place, and says sorry when the queue is full', async () => {
    await t.post('/twilio/voice', callParams(sid(9)));
    const wait = await (await t.post('/twilio/queue/wait?flow=main&node=to_consult', callParams(sid(9), { QueuePosition: '3' }))).text();
    expect(wait).toContain('您前面还有3位来电');
    const full = await (await t.post('/twilio/queue/done?flow=main&node=to_consult', callParams(sid(9), { QueueResult: 'queue-full' }))).text();
    expect(full).toContain('当前来电较多');
    expect(full).toContain('<Hangup/>');
  });

  it('times every answer for the metrics endpoint', async () => {
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/hotline_webhook_duration_seconds_count\{route="voice",status="200"\} [1-9]/);
    expect(metrics).toMatch(/hotline_webhook_duration_seconds_count\{route="voice",status="403"\} [1-9]/);
  });
});
