import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario, readScenario } from '../../server/simulator/scenario.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestHotline, type TestHotline } from '../support/hotline.ts';

// GIVEN the console open in real Chromium; WHEN a simulated caller talks to the hotline;
// THEN the page lists the call (number masked), shows what caller and operator say side by side,
// and the knowledge base's answer to the question the caller asked the IVR.
describe('console page in a real browser', () => {
  let t: TestHotline;
  let browser: Browser;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestHotline(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the live transcript of a call as it is spoken', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}/console#token=${t.config.consoleToken}`);
    await page.locator('#connection[data-state="online"]').waitFor();
    expect(new URL(page.url()).hash).toBe(''); // the token leaves the address bar

    const scenario = await readScenario('test/fixtures/scenarios/gjj-rent.json');
    const call = t.call(scenario);
    const running = call.run();

    const item = page.locator(`#calls li[data-call-sid="${call.callSid}"]`);
    await item.waitFor({ timeout: 10_000 });
    expect(await item.locator('.caller').textContent()).toBe('+86 138****1234');
    // The first call is chosen by itself; a partial shows before the final replaces it.
    const callerSide = page.locator('.side[data-speaker="caller"]');
    await callerSide.locator('.line.partial').first().waitFor({ timeout: 15_000 });
    await callerSide.locator('.line.final', { hasText: scenario.caller_says[0]! }).waitFor({ timeout: 15_000 });
    await page.locator('.side[data-speaker="operator"] .line.final', { hasText: '您好，12345热线，请讲' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#ivr-path').textContent()).toContain('政策咨询');
    expect(await page.locator('#self-service').textContent()).toContain('我想问一下租房子怎么提取公积金');

    // The suggested answer: on top, with the words that matched; its full answer opens; the operator marks it used.
    const top = page.locator('#suggestions .suggestion').first();
    await top.waitFor({ timeout: 5000 }).catch(async () => {
      throw new Error(`no suggestion shown; panel: ${await page.locator('#suggestions-panel').innerHTML()}; errors: ${errors.join('; ')}`);
    });
    expect(await top.getAttribute('data-id')).toBe('gjj.withdraw_rent');
    expect(await top.locator('.matched').textContent()).toContain('公积金');
    await top.locator('summary').click();
    await top.locator('.points dt', { hasText: '材料' }).first().waitFor();
    await top.locator('button.use').click();
    await top.locator('button.use:disabled', { hasText: '已采用' }).waitFor({ timeout: 5000 });
    expect(t.hotline.registry.get(call.callSid)?.kbUsed).toEqual([expect.objectContaining({ id: 'gjj.withdraw_rent', rank: 1 })]);
    await running;
    await page.locator(`#calls li[data-call-sid="${call.callSid}"][data-state="ended"]`).waitFor({ timeout: 15_000 });
    expect(await callerSide.locator('.line.final').allTextContents()).toEqual(scenario.caller_says.map((s) => expect.stringContaining(s)));
    expect(await page.content()).not.toContain('13800001234');
    expect(errors).toEqual([]);

    // English toggle
    await page.click('#lang');
    expect(await page.locator('h1').textContent()).toBe('12345 Hotline Desk');
  }, 60_000);

  it('shows flags with the words they rest on, alerts on a threat, and records the operator dismissing one', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}/console#token=${t.config.consoleToken}`);
    await page.locator('#connection[data-state="online"]').waitFor();
    const scenario = parseScenario({ caller: '+8613600006666', ivr: ['0'], caller_says: ['你们这帮废物', '我明天就去你们单位门口堵你'], operator_says: ['请您文明用语'] });
    const call = t.call(scenario, { pace: 'realtime' });
    const running = call.run();
    await page.locator(`#calls li[data-call-sid="${call.callSid}"]`).click({ timeout: 15_000 });
    const insult = page.locator('#flags .flag[data-key="abuse.insult"]');
    await insult.waitFor({ timeout: 20_000 });
    expect(await insult.locator('.label').first().textContent()).toBe('辱骂');
    expect(await insult.locator('.evidence mark').allTextContents()).toContain('你们这帮废物');
    await page.locator('#flags .flag[data-key="abuse.threat"]').waitFor({ timeout: 20_000 });
    await page.locator('#alerts p', { hasText: '威胁' }).waitFor({ timeout: 5000 });
    await insult.locator('button.dismissed').click();
    await page.locator('#flags .flag[data-key="abuse.insult"][data-decision="dismissed"]').waitFor({ timeout: 5000 });
    expect(t.hotline.registry.get(call.callSid)?.flags?.find((f) => f.key === 'abuse.insult')?.decision?.decision).toBe('dismissed');
    await running;
    expect(errors).toEqual([]);
  }, 60_000);

  it('asks for the passphrase when the token is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/console#token=wrong-token`);
    await page.locator('#login-error').waitFor({ state: 'visible' });
    expect(await page.locator('#login-error').textContent()).toBe('口令不正确，请重新输入');
    expect(await page.locator('#desk').isHidden()).toBe(true);
  });
});
