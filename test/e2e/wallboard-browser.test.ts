import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDED_BY_SUPERVISOR } from '../../server/calls/registry.ts';
import { launchChromium } from '../support/browser.ts';
import { ACCOUNT_SID, callParams, startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { hangUp, hear, MENU, queueCall, sidOf } from '../support/queued-call.ts';
import { startTwilioApi } from '../support/twilio-api.ts';
import { wallboardClient } from '../support/wallboard-client.ts';

// GIVEN the console in real Chromium at 1366×768, a supervisor signed in through its form on the
// wallboard, two operators with real socket.io clients, and a local stand-in for Twilio's REST API
// that, like Twilio, posts the status callback of a call it hung up;
// WHEN calls come in through the real webhooks and the callers' words through the registry;
// THEN the wallboard lists both operators' calls, sorts an emergency to the top with an alarm,
// shows a call's live transcript on a click, and ends a call through Twilio with its reason kept.
describe('the supervisor wallboard in a real browser', () => {
  let t: TestHotline;
  let browser: Browser;
  let api: Awaited<ReturnType<typeof startTwilioApi>>;
  const artifacts = path.resolve('test-artifacts');

  beforeAll(async () => {
    api = await startTwilioApi({
      afterUpdate: (sid, body) => {
        if (body.get('Status') === 'completed') void t.post('/twilio/status', callParams(sid, { CallStatus: 'completed' }));
      },
    });
    [t, browser] = await Promise.all([startTestHotline({ TWILIO_API_BASE_URL: api.url }), launchChromium()]);
    await t.hotline.users.add({ username: 'banzhang', role: 'supervisor', displayName: '王班长', password: 'banzhang-password' });
    await mkdir(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await api?.close();
  });

  async function openWallboard(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${t.url}/console#/wallboard`);
    await page.locator('#login').waitFor({ state: 'visible' });
    await page.fill('#username', 'banzhang');
    await page.fill('#password', 'banzhang-password');
    await page.click('#login button[type="submit"]');
    await page.locator('#wallboard').waitFor();
    return page;
  }

  it('lists every operator’s calls by urgency, rings for an emergency, opens a transcript, and ends a call through Twilio', async () => {
    const operators: Awaited<ReturnType<typeof wallboardClient>>[] = await Promise.all(
      [['lina', '李娜'], ['zhangwei', '张伟']].map(async ([username, displayName]) => {
        await t.hotline.users.add({ username: username!, role: 'operator', displayName: displayName!, password: `password-${username}` });
        return wallboardClient(t.url, await t.signIn(username!, 'operator'));
      }),
    );
    await until(() => t.hotline.dispatcher.statuses().filter((s) => s.connected && s.state === 'available').length === 2, 5000, 'both operators available');
    const page = await openWallboard();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The operators are on the board before any call.
    await page.locator('#wb-operators li[data-username="lina"][data-state="available"]').waitFor();
    expect(await page.locator('#wb-operators li').count()).toBe(2);
    // The sound is off until the supervisor switches it on (autoplay rules): the click turns it on.
    await page.click('#wb-sound');
    await page.locator('#wb-sound[data-sound="on"]').waitFor();

    // WHEN two callers reach the two operators
    const [a, b] = [sidOf(0x1a), sidOf(0x1b)];
    await queueCall(t, a, { key: MENU.complaint, from: '+8613800001111' });
    await new Promise((r) => setTimeout(r, 30));
    await queueCall(t, b, { key: MENU.report, from: '+8613900002222' });
    const rowA = page.locator(`#wb-calls tr[data-call-sid="${a}"]`);
    const rowB = page.locator(`#wb-calls tr[data-call-sid="${b}"]`);
    await rowA.waitFor();
    await rowB.waitFor();
    // THEN both are listed, the number masked, each with its own operator; the older call first.
    await page.waitForFunction((sid) => document.querySelector(`tr[data-call-sid="${sid}"] td.who`)?.textContent !== '等待接听', a, { timeout: 5000 });
    expect(await rowA.locator('td.caller').textContent()).toBe('+86 138****1111');
    expect(new Set([await rowA.locator('td.who').textContent(), await rowB.locator('td.who').textContent()])).toEqual(new Set(['李娜', '张伟']));
    expect(await page.locator('#wb-calls tbody tr').first().getAttribute('data-call-sid')).toBe(a);
    // The duration ticks.
    const before = await rowA.locator('.duration').textContent();
    await page.waitForFunction(([sid, then]) => document.querySelector(`tr[data-call-sid="${sid}"] .duration`)?.textContent !== then, [a, before] as const, { timeout: 3000 });
    await page.locator('#wb-operators li[data-username="lina"][data-state="busy"]').waitFor();

    // WHEN the caller on B reports a fire, and the caller on A insults the operator twice
    const alarmsBefore = Number(await page.locator('html').getAttribute('data-alarms'));
    hear(t, a, '你们这帮废物，办个事磨磨蹭蹭的');
    hear(t, a, '傻X，听不懂人话吗');
    await page.locator(`#wb-calls tr[data-call-sid="${a}"][data-tier="abuse"]`).waitFor();
    hear(t, b, '我家楼下着火了，烟很大，快派人来');
    // THEN B, the emergency, goes to the top, with its badge, the banner and the alarm.
    await page.locator(`#wb-calls tbody tr:first-child[data-call-sid="${b}"][data-tier="critical"]`).waitFor();
    expect(await rowB.locator('.flag-badge[data-key="urgent.emergency"]').textContent()).toBe('紧急求助');
    expect(await rowA.locator('.flag-badge.count').textContent()).toBe('辱骂×2');
    await page.locator('#wb-critical').waitFor();
    expect(await page.locator('#wb-critical').textContent()).toContain('紧急/威胁来电 1 通');
    await page.waitForFunction((n) => Number(document.documentElement.dataset['alarms']) === n, alarmsBefore + 1, { timeout: 3000 });

    // A third caller waits: the queue shows it.
    const c = sidOf(0x1c);
    await queueCall(t, c, { key: MENU.complaint, from: '+8613700003333' });
    await page.locator('#wb-queues li[data-queue="complaint"][data-waiting="1"]').waitFor();
    expect(await page.locator('#wb-waiting').textContent()).toBe('1');
    // A reload in the middle of it all gives the same board, whole (the page asks for it: wallboard:get).
    await page.reload();
    await page.locator(`#wb-calls tbody tr:first-child[data-call-sid="${b}"][data-tier="critical"]`).waitFor();
    expect(await page.locator('#wb-calls tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-call-sid')))).toEqual([b, a, c]);
    await page.locator('#wb-queues li[data-queue="complaint"][data-waiting="1"]').waitFor();
    await page.locator('#wb-operators li[data-username="lina"][data-state="busy"]').waitFor();
    // The browser forgets the sound with the page: it is off again until clicked.
    await page.locator('#wb-sound[data-sound="off"]').click();
    await page.locator('#wb-sound[data-sound="on"]').waitFor();

    // WHEN the supervisor clicks the emergency, THEN its live transcript opens, with words said before and after.
    await rowB.click();
    await page.locator('#wb-detail .line.final', { hasText: '着火了' }).waitFor();
    hear(t, b, '在和平路88号三楼', 'caller');
    await page.locator('#wb-detail .line.final', { hasText: '和平路88号' }).waitFor();
    // The keyboard walks the calls in urgency order: ↓ from the emergency opens the abusive call.
    await page.keyboard.press('ArrowDown');
    await page.locator(`#wb-detail[data-call-sid="${a}"]`).waitFor();
    expect(await rowA.getAttribute('aria-selected')).toBe('true');
    await page.locator('#wb-detail .line.final', { hasText: '听不懂人话' }).waitFor();
    hear(t, a, '先生，请您文明用语，我们会认真帮您反映', 'operator');
    await page.locator('#wb-detail .side[data-speaker="operator"] .line.final').waitFor();

    // Two more operators come on: one takes the waiting call; two more callers, one of them waiting, fill the board.
    for (const [username, displayName] of [['chenjing', '陈静'], ['liuyang', '刘洋']] as const) {
      await t.hotline.users.add({ username, role: 'operator', displayName, password: `password-${username}` });
      operators.push(await wallboardClient(t.url, await t.signIn(username, 'operator')));
    }
    await page.locator('#wb-queues li[data-queue="complaint"][data-waiting="0"]').waitFor();
    const [d, e] = [sidOf(0x1e), sidOf(0x1f)];
    await queueCall(t, d, { key: MENU.report, from: '+8615000005555' });
    hear(t, d, '我们小区已经停水两天了，整栋楼都没水');
    await queueCall(t, e, { key: MENU.suggestion, from: '+8618600006666' });
    await page.locator(`#wb-calls tr[data-call-sid="${d}"][data-tier="high"]`).waitFor();
    await page.locator('#wb-queues li[data-queue="suggestion"][data-waiting="1"]').waitFor();
    // Critical, repeated abuse, high, then the waiting caller before those in conversation.
    expect(await page.locator('#wb-calls tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-call-sid')))).toEqual([b, a, d, e, c]);
    await page.waitForTimeout(1100); // a second of ticking, so the durations are not all 00:00
    await page.screenshot({ path: path.join(artifacts, 'wallboard.png') });

    // WHEN the supervisor alerts the operator of A from the wallboard, THEN the operator's desk shows it.
    const operatorOfA = t.hotline.registry.get(a)!.operator!;
    const desk = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await desk.goto(`${t.url}/console`);
    await desk.fill('#username', operatorOfA.username);
    await desk.fill('#password', `password-${operatorOfA.username}`);
    await desk.click('#login button[type="submit"]');
    await desk.locator('#desk').waitFor();
    await page.click('#wb-step-in button[data-action="alert_operator"]');
    expect(await page.locator('#wb-confirm p').textContent()).toBe(`向话务员 ${operatorOfA.displayName} 发送以下提醒：`);
    await page.fill('#wb-message', '来电人多次辱骂，请先警示，如继续可结束通话');
    await page.click('#wb-yes');
    await page.locator('#wb-outcome[role="status"]', { hasText: '已提醒话务员' }).waitFor();
    await desk.locator('#alerts p', { hasText: '班长王班长提醒：来电人多次辱骂，请先警示，如继续可结束通话' }).waitFor();
    expect(t.hotline.registry.get(a)!.stepIns).toEqual([expect.objectContaining({ action: 'alert_operator', by: 'banzhang', message: '来电人多次辱骂，请先警示，如继续可结束通话' })]);

    // WHEN Twilio fails a take-over, THEN the supervisor sees why, and the call is unchanged.
    api.failWith = 503;
    await page.click('#wb-step-in button[data-action="take_over"]');
    expect(await page.locator('#wb-confirm p').textContent()).toContain('banzhang');
    await page.click('#wb-yes');
    await page.locator('#wb-outcome[role="alert"]').waitFor();
    expect(await page.locator('#wb-outcome').textContent()).toBe('操作失败：Twilio answered 503: the call stays as it was');
    expect(t.hotline.registry.get(a)!.takenOver).toBeUndefined();
    api.failWith = null;

    // WHEN the supervisor ends the abusive call, with a reason, confirmed
    const sent = api.requests.length;
    await page.click('#wb-step-in button[data-action="end"]');
    await page.selectOption('#wb-reason', 'wb.reason.abuse');
    await page.click('#wb-yes');
    // THEN the request reaches Twilio, the call leaves the board, and its record keeps who, when and why.
    await page.locator('#wb-outcome[role="status"]').waitFor();
    expect(await page.locator('#wb-outcome').textContent()).toBe('已结束通话');
    const update = api.requests.slice(sent).find((r) => r.url === `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${a}.json`);
    expect(update).toMatchObject({ method: 'POST' });
    expect([...update!.body.entries()]).toEqual([['Status', 'completed']]);
    await rowA.waitFor({ state: 'detached' });
    const record = t.hotline.registry.find(a)!;
    expect(record.endReason).toBe(ENDED_BY_SUPERVISOR);
    expect(record.stepIns!.map((x) => [x.action, x.error ?? null])).toEqual([['alert_operator', null], ['take_over', 'Twilio answered 503: the call stays as it was'], ['end', null]]);
    expect(record.stepIns!.at(-1)).toMatchObject({ action: 'end', by: 'banzhang', byName: '王班长', reason: '来电人持续辱骂话务员，经警示无效' });
    await page.locator('#wb-detail .state[data-state="ended"]').waitFor();
    // The operator of that call was told, on their socket and on their desk.
    const opOfA = operators.find((o) => o.stepIns.some((e) => e.callSid === a));
    expect(opOfA?.ended.get(a)).toBe(ENDED_BY_SUPERVISOR);
    await desk.locator('#alerts p', { hasText: '班长王班长已结束本通电话：来电人持续辱骂话务员，经警示无效' }).waitFor();
    await desk.close();

    // English on the toggle.
    await page.click('header button:has-text("EN")');
    await page.locator('#wb-list h2', { hasText: 'Live calls' }).waitFor();
    expect(errors).toEqual([]);

    for (const sid of [b, c, d, e]) await hangUp(t, sid);
    for (const o of operators) o.close();
    await page.close();
  }, 60_000);

  it('shows a manager the board and the call without step-in buttons (the socket refuses them too: step-in.test.ts)', async () => {
    await t.hotline.users.add({ username: 'jingli', role: 'manager', displayName: '赵经理', password: 'jingli-password' });
    const op = await wallboardClient(t.url, await t.signIn('wangfang', 'operator'));
    await until(() => op.operator('wangfang')?.connected === true, 5000, 'the operator');
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${t.url}/console#/wallboard`);
    await page.fill('#username', 'jingli');
    await page.fill('#password', 'jingli-password');
    await page.click('#login button[type="submit"]');
    const sid = sidOf(0x1d);
    await queueCall(t, sid, { key: MENU.report });
    await page.locator(`#wb-calls tr[data-call-sid="${sid}"]`).click();
    await page.locator('#wb-no-rights').waitFor();
    expect(await page.locator('#wb-step-in button').count()).toBe(0);
    await hangUp(t, sid);
    op.close();
    await page.close();
  });
});
