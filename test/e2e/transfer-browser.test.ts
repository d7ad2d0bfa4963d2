import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { ACCOUNT_SID, startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { hangUp, hear, MENU, queueCall, sidOf } from '../support/queued-call.ts';
import { startTwilioApi } from '../support/twilio-api.ts';

// GIVEN the console in real Chromium at 1366×768, an operator signed in through its form, 120
// configured as a city number, and a local stand-in for Twilio's REST API;
// WHEN the caller on the operator's call reports a medical emergency and the operator clicks 转120;
// THEN the page asks first (cancel sends nothing), a Twilio failure is said and changes nothing,
// and once confirmed Twilio receives the redirect with the <Dial> to the configured number, the
// flag shows the transfer, and the operator is in after-call work.
describe('an operator transferring an emergency call from the console', () => {
  let t: TestHotline;
  let browser: Browser;
  let api: Awaited<ReturnType<typeof startTwilioApi>>;
  const artifacts = path.resolve('test-artifacts');

  beforeAll(async () => {
    api = await startTwilioApi();
    [t, browser] = await Promise.all([startTestHotline({ TWILIO_API_BASE_URL: api.url, EMERGENCY_DIAL_120: '+862012000120' }), launchChromium()]);
    await t.hotline.users.add({ username: 'zuoxi', role: 'operator', displayName: '李坐席', password: 'zuoxi-password' });
    await t.hotline.users.add({ username: 'banzhang', role: 'supervisor', displayName: '王班长', password: 'banzhang-password' });
    await mkdir(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await api?.close();
  });

  it('asks for confirmation, then hands the caller to 120 through Twilio', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}/console`);
    await page.fill('#username', 'zuoxi');
    await page.fill('#password', 'zuoxi-password');
    await page.click('#login button[type="submit"]');
    await page.locator('#op-state-box[data-state="available"]').waitFor();

    const sid = sidOf(0x9120);
    await queueCall(t, sid, { key: MENU.report });
    await page.locator(`#calls li[data-call-sid="${sid}"]`).waitFor();
    hear(t, sid, '我爸突然晕倒了，没有呼吸了，快救救他');
    const flag = page.locator('#flags .flag[data-key="urgent.emergency"]');
    await flag.waitFor();
    const buttons = flag.locator('button.transfer-to');
    expect(await buttons.allTextContents()).toEqual(['转110（公安）', '转119（消防）', '转120（急救）']);

    // A click asks first; cancelling sends nothing.
    const before = api.requests.length;
    await flag.locator('button.transfer-to[data-to="120"]').click();
    const confirm = flag.locator('.transfer-confirm[data-to="120"]');
    expect(await confirm.locator('p').textContent()).toBe('确认转120（急救）？来电人将离开您的线路，由紧急服务接听。');
    await confirm.locator('button.transfer-no').click();
    await confirm.waitFor({ state: 'detached' });
    expect(api.requests.length).toBe(before);

    // Twilio fails: the operator is told, the buttons stay, the call stays with them.
    api.failWith = 500;
    await flag.locator('button.transfer-to[data-to="120"]').click();
    await confirm.locator('button.transfer-yes').click();
    const failure = page.locator('#alerts p', { hasText: '转接失败：Twilio answered 500' });
    await failure.waitFor();
    expect(await flag.locator('.transfer-error').textContent()).toBe('转接失败：Twilio answered 500: the caller is still with you; try again or dial the number yourself');
    expect(await buttons.count()).toBe(3);
    // The message sits over the flags panel: a click puts it away, and the buttons are at hand again.
    await failure.click();
    await failure.waitFor({ state: 'detached' });
    expect(await page.locator('#op-state-box').getAttribute('data-state')).toBe('busy');

    // Confirmed, and Twilio accepts: the stand-in receives the redirect with the <Dial> to the configured number.
    api.failWith = null;
    await flag.locator('button.transfer-to[data-to="120"]').click();
    await page.screenshot({ path: path.join(artifacts, 'transfer-confirm.png') });
    await confirm.locator('button.transfer-yes').click();
    await until(() => api.requests.length === before + 2, 10_000, 'the redirect at Twilio');
    const update = api.requests.at(-1)!;
    expect(update.url).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid}.json`);
    expect(update.body.get('Twiml')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="zh-CN" voice="Polly.Zhiyu">正在为您转接120急救中心，请不要挂机。</Say>' +
        `<Dial timeout="30" action="${t.url}/twilio/emergency/done?flow=main&amp;node=to_report&amp;service=120" method="POST"><Number>+862012000120</Number></Dial></Response>`,
    );
    await flag.locator('.transferred[data-to="120"]').waitFor();
    expect(await flag.locator('.transferred').textContent()).toMatch(/^已转接： 转120（急救） · 李坐席 \d{2}:\d{2}:\d{2}$/);
    await page.locator('#alerts p', { hasText: '已转接：转120（急救） · +86 138****1234' }).waitFor();
    expect(await buttons.count()).toBe(0);
    await page.locator('#op-state-box[data-state="after_call_work"]').waitFor();
    // The supervisors' wallboard says where the caller went, and offers no take-over of them.
    const board = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await board.goto(`${t.url}/console#/wallboard`);
    await board.fill('#username', 'banzhang');
    await board.fill('#password', 'banzhang-password');
    await board.click('#login button[type="submit"]');
    const row = board.locator(`#wb-calls tr[data-call-sid="${sid}"]`);
    expect(await row.locator('.who[data-transferred="120"]').textContent()).toBe('已转120（李坐席）');
    await board.close();
    expect(t.hotline.registry.get(sid)!.transfers!.map((x) => [x.to, x.dialed, x.by, x.error ?? null])).toEqual([
      ['120', '+862012000120', 'zuoxi', 'Twilio answered 500: the caller is still with you; try again or dial the number yourself'],
      ['120', '+862012000120', 'zuoxi', null],
    ]);
    await page.screenshot({ path: path.join(artifacts, 'transfer-done.png') });
    expect(errors).toEqual([]);
    await hangUp(t, sid);
    await page.close();
  });
});
