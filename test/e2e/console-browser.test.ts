import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario, readScenario } from '../../server/simulator/scenario.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';

/** Screenshots of the main screens, kept by CI as test artifacts (gitignored). */
const ARTIFACTS = 'test-artifacts';

// GIVEN the console open in real Chromium, an operator signed in through its form; WHEN a simulated
// caller talks to the hotline; THEN the call is given to that operator, and the page lists it (number
// masked), shows what caller and operator say side by side, and the knowledge base's answer to the
// question the caller asked the IVR.
describe('console page in a real browser', () => {
  let t: TestHotline;
  let browser: Browser;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestHotline(), launchChromium()]);
    await t.hotline.users.add({ username: 'op1', role: 'operator', displayName: '坐席一号', password: 'op1-password' });
    await t.hotline.users.add({ username: 'super1', role: 'supervisor', displayName: '班长一号', password: 'super1-password' });
    await t.hotline.users.add({ username: 'mgr1', role: 'manager', displayName: '管理一号', password: 'mgr1-password' });
  });

  /** Opens the console (at 1366×768, the operators' screens) and signs in through its form. */
  async function signIn(username: string, password: string, screenshot?: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${t.url}/console`);
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.locator('#login button[type="submit"]').textContent()).toBe('登录');
    if (screenshot) await page.screenshot({ path: path.join(ARTIFACTS, screenshot) });
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#login button[type="submit"]');
    return page;
  }
  /** A call's wrap-up as the lowdb calls file holds it (read as it is on disk). */
  function storedWrapUp(callSid: string): unknown {
    for (const name of readdirSync(t.dataDir).filter((n) => /^calls-.*\.json$/.test(n))) {
      const file = JSON.parse(readFileSync(path.join(t.dataDir, name), 'utf8')) as { calls: Record<string, { wrapUp?: unknown }> };
      if (file.calls[callSid]?.wrapUp) return file.calls[callSid].wrapUp;
    }
    return undefined;
  }
  /**
   * Waits for what an operator's action shows once the server answered it: generously, as a
   * loaded CI machine may be slow, and if it never comes, says what the page showed instead.
   */
  async function shown(page: Page, what: ReturnType<Page['locator']>): Promise<void> {
    await what.waitFor({ timeout: 15_000 }).catch(async (error: Error) => {
      const said = await page.locator('#alerts').textContent().catch(() => '');
      const link = await page.locator('#connection').getAttribute('data-state').catch(() => '?');
      const flags = await page.locator('#flags .flag').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-key')}:${e.getAttribute('data-decision') ?? '-'}${e.hasAttribute('data-top') ? '*' : ''}`));
      await page.screenshot({ path: 'test-artifacts/console-browser-failure.png' }).catch(() => undefined);
      throw new Error(`${error.message}\nlink: ${link}; flags on the page: ${flags.join(' ')}; alerts: ${said}; focus: ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))}`);
    });
  }
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the live transcript of a call as it is spoken', async () => {
    const page = await signIn('op1', 'op1-password', 'sign-in.png');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The page lives within its strict CSP (no inline script or style): any violation is logged as an error.
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.locator('#connection[data-state="online"]').waitFor();
    // Who is signed in, and their state: an operator starts available.
    expect(await page.locator('#me-name').textContent()).toBe('坐席一号');
    expect(await page.locator('#me-role').textContent()).toBe('话务员');
    await page.locator('#op-state-box[data-state="available"]').waitFor();

    const scenario = await readScenario('test/fixtures/scenarios/gjj-rent.json');
    const call = t.call(scenario);
    const running = call.run();

    const item = page.locator(`#calls li[data-call-sid="${call.callSid}"]`);
    await item.waitFor({ timeout: 20_000 }); // once the IVR hands it to an operator
    expect(await page.locator('#call-operator').textContent()).toContain('坐席一号');
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
    expect(t.hotline.registry.get(call.callSid)?.kbUsed).toEqual([expect.objectContaining({ id: 'gjj.withdraw_rent', rank: 1, operator: 'op1' })]);
    // At 1366×768 everything, the wrap-up form included, is on screen without scrolling the page.
    const layout = await page.evaluate(() => {
      const box = document.getElementById('wrapup')!.getBoundingClientRect();
      return { pageHeight: document.documentElement.scrollHeight, pageWidth: document.documentElement.scrollWidth, wrapUpBottom: box.bottom, wrapUpRight: box.right };
    });
    expect(layout.pageHeight).toBeLessThanOrEqual(768);
    expect(layout.pageWidth).toBeLessThanOrEqual(1366);
    expect(layout.wrapUpBottom).toBeLessThanOrEqual(768);
    expect(layout.wrapUpRight).toBeLessThanOrEqual(1366);
    await page.screenshot({ path: path.join(ARTIFACTS, 'operator-workspace.png') });
    // A supervisor on the desk sees the call too, and its transcript, fetched when they open it.
    const supervisor = await signIn('super1', 'super1-password');
    await supervisor.goto(`${t.url}/console#/desk`);
    await supervisor.locator(`#calls li[data-call-sid="${call.callSid}"]`).click({ timeout: 10_000 });
    await supervisor.locator('.side[data-speaker="caller"] .line.final', { hasText: scenario.caller_says[0]! }).waitFor({ timeout: 5000 });
    expect(await supervisor.content()).not.toContain('13800001234');
    await supervisor.close();
    await running;
    await page.locator(`#calls li[data-call-sid="${call.callSid}"][data-state="ended"]`).waitFor({ timeout: 15_000 });
    // The call's end puts the operator in after-call work.
    await page.locator('#op-state-box[data-state="after_call_work"]').waitFor({ timeout: 5000 });
    expect(t.hotline.dispatcher.status(t.hotline.users.find('op1')!.id)?.state).toBe('after_call_work');

    // The wrap-up, after the caller hung up: pre-filled from their words; the operator corrects it and submits.
    const form = page.locator('#wrapup');
    await form.locator('select[name="department"] option[value="housing_fund"]').waitFor({ state: 'attached' });
    expect(await form.locator('select[name="intent"]').inputValue()).toBe('consult');
    expect(await form.locator('input[name="scenarioId"]').inputValue()).toBe('gjj.withdraw_rent');
    expect(await form.locator('select[name="department"]').inputValue()).toBe('housing_fund');
    expect(await form.locator('textarea[name="summary"]').inputValue()).toContain('租房提取公积金要带什么材料');
    expect(await form.locator('h3').textContent()).toBe('话后小结');
    await form.locator('textarea[name="summary"]').fill('来电人咨询租房提取公积金所需材料，已告知');
    await form.locator('textarea[name="note"]').fill('已答复');
    await form.locator('button[type="submit"]').click();
    await page.locator('#wrapup-message[data-ok="true"]', { hasText: '小结已保存' }).waitFor({ timeout: 5000 });
    const wrapUp = { intent: 'consult', scenarioId: 'gjj.withdraw_rent', department: 'housing_fund', summary: '来电人咨询租房提取公积金所需材料，已告知', note: '已答复', by: 'op1' };
    expect(t.hotline.registry.find(call.callSid)?.wrapUp).toMatchObject(wrapUp);
    // In the store's file, and the operator's after-call work is over.
    await until(() => storedWrapUp(call.callSid) !== undefined, 5000, 'the wrap-up in the calls file');
    expect(storedWrapUp(call.callSid)).toMatchObject(wrapUp);
    await page.locator('#op-state-box[data-state="available"]').waitFor({ timeout: 5000 });
    expect(await callerSide.locator('.line.final').allTextContents()).toEqual(scenario.caller_says.map((s) => expect.stringContaining(s)));
    expect(await page.content()).not.toContain('13800001234');
    expect(errors).toEqual([]);

    // English toggle
    await page.click('#lang');
    expect(await page.locator('h1').textContent()).toBe('12345 Hotline Desk');
    expect(await page.locator('#wrapup h3').textContent()).toBe('Wrap-up');
  }, 60_000);

  it('shows flags with the words they rest on, alerts on a threat, and records the operator dismissing one and confirming another from the keyboard', async () => {
    const page = await signIn('op1', 'op1-password');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.locator('#connection[data-state="online"]').waitFor();
    // Available again since the wrap-up; the operator switches to busy and back, and the server has it.
    await page.locator('#op-state-box[data-state="available"]').waitFor();
    await page.selectOption('#op-state', 'busy');
    await page.locator('#op-state-box[data-state="busy"]').waitFor();
    await page.selectOption('#op-state', 'available');
    await page.locator('#op-state-box[data-state="available"]').waitFor();
    expect(t.hotline.dispatcher.status(t.hotline.users.find('op1')!.id)?.state).toBe('available');
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
    // The operator asks for the supervisor about it: once the server took it (ack), the flag says so.
    await insult.locator('button.alert-supervisor').click();
    await shown(page, insult.locator('.alerted', { hasText: '已提醒班长' }));
    await insult.locator('button.dismissed').click();
    await shown(page, page.locator('#flags .flag[data-key="abuse.insult"][data-decision="dismissed"]'));
    expect(t.hotline.registry.find(call.callSid)?.flags?.find((f) => f.key === 'abuse.insult')?.decision?.decision).toBe('dismissed');
    // The keyboard: ? lists the shortcuts, Esc closes the list, C confirms the most urgent open flag.
    await page.keyboard.press('?');
    await page.locator('#shortcut-help', { hasText: '快捷键' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('#shortcut-help').waitFor({ state: 'detached' });
    const top = await page.locator('#flags .flag[data-top]').getAttribute('data-key');
    expect(top).not.toBe('abuse.insult');
    await page.keyboard.press('c');
    await shown(page, page.locator(`#flags .flag[data-key="${top}"][data-decision="confirmed"]`));
    expect(t.hotline.registry.find(call.callSid)?.flags?.find((f) => f.key === top)?.decision?.decision).toBe('confirmed');
    await running;
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows each role only the pages it may open', async () => {
    const links = async (page: Page) => page.locator('header nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const operator = await signIn('op1', 'op1-password');
    await operator.locator('#desk').waitFor();
    expect(await links(operator)).toEqual([]); // one page: no navigation
    await operator.goto(`${t.url}/console#/manage`);
    await operator.locator('#desk').waitFor(); // a page the role may not open shows its own instead
    expect(await operator.locator('#manage').count()).toBe(0);
    const manager = await signIn('mgr1', 'mgr1-password');
    await manager.locator('#manage').waitFor();
    expect(await links(manager)).toEqual(['#/wallboard', '#/manage']);
    const supervisor = await signIn('super1', 'super1-password');
    await supervisor.locator('#wallboard').waitFor();
    expect(await links(supervisor)).toEqual(['#/desk', '#/wallboard']);
    await supervisor.click('header nav a[href="#/desk"]');
    await supervisor.locator('#desk').waitFor();
    for (const page of [operator, manager, supervisor]) await page.close();
  });

  it('refuses a wrong password in Chinese, and signs out', async () => {
    const page = await signIn('op1', 'not-the-password');
    await page.locator('#login-error').waitFor({ state: 'visible' });
    expect(await page.locator('#login-error').textContent()).toBe('用户名或密码错误');
    expect(await page.locator('#desk').isHidden()).toBe(true);

    // The right password lets them in; the cookie is not readable by the page's scripts.
    await page.fill('#password', 'op1-password');
    await page.click('#login button[type="submit"]');
    await page.locator('#connection[data-state="online"]').waitFor();
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'hotline_session', httpOnly: true, sameSite: 'Strict' });

    // Signing out ends the session on the server: the old cookie no longer works.
    await page.click('#logout');
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.locator('#desk').isHidden()).toBe(true);
    const me = await fetch(`${t.url}/api/auth/me`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(me.status).toBe(401);
  });
});
