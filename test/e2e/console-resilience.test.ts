import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

// GIVEN an operator's console in real Chromium, reaching the server through a TCP proxy that can cut
// the network; WHEN the link drops in the middle of a call while the caller goes on talking, or the
// operator reloads the page mid-call; THEN the console says it is offline, comes back by itself, and
// shows every line of the call exactly once — the ones said while it was away included.
describe('console resilience in a real browser', () => {
  let t: TestHotline;
  let browser: Browser;
  let proxy: TcpProxy;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestHotline(), launchChromium()]);
    proxy = await startTcpProxy(t.url);
    await t.hotline.users.add({ username: 'op-r', role: 'operator', displayName: '坐席R', password: 'op-r-password' });
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await t?.close();
  });

  async function signIn(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${proxy.url}/console`);
    await page.fill('#username', 'op-r');
    await page.fill('#password', 'op-r-password');
    await page.click('#login button[type="submit"]');
    await page.locator('#op-state-box').waitFor();
    // After the last call's end the operator is in after-call work: A (the shortcut) makes them available.
    await page.keyboard.press('a');
    await page.locator('#op-state-box[data-state="available"]').waitFor();
    return page;
  }

  /** The final lines on the page, as `speaker@offsetMs text`, in page order per speaker. */
  async function pageLines(page: Page): Promise<string[]> {
    return page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.side')].flatMap((side) =>
        [...side.querySelectorAll<HTMLElement>('.line.final')].map((line) => `${side.dataset['speaker']}@${line.dataset['offsetMs']} ${line.lastChild?.textContent ?? ''}`),
      ),
    );
  }
  /** The call's transcript as the server holds it, in the same form. */
  function serverLines(callSid: string): string[] {
    const call = t.hotline.registry.find(callSid)!;
    return (['caller', 'operator'] as const).flatMap((speaker) =>
      call.transcript.filter((e) => e.speaker === speaker).sort((a, b) => a.offsetMs - b.offsetMs).map((e) => `${speaker}@${e.offsetMs} ${e.text}`),
    );
  }
  const finals = (callSid: string) => t.hotline.registry.find(callSid)?.transcript.length ?? 0;

  const scenario = parseScenario({
    caller: '+8613900007777',
    ivr: ['0'],
    caller_says: ['你好，我想问一下社保卡丢了怎么办', '我昨天在公交车上丢的', '补办需要带什么材料', '要多长时间才能拿到新卡', '好的谢谢你'],
    operator_says: ['您好，12345热线，请讲', '请问您是在哪里丢的', '需要带身份证原件', '一般十五个工作日', '不客气'],
  });

  it('says the link dropped, reconnects by itself, and shows the lines said meanwhile exactly once', async () => {
    const page = await signIn();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const call = t.call(scenario, { pace: 'realtime' });
    const running = call.run();
    await page.locator('.side[data-speaker="caller"] .line.final').first().waitFor({ timeout: 25_000 });

    // WHEN the network goes away for a while, the call going on.
    proxy.drop();
    await page.locator('#connection-banner').waitFor({ timeout: 5000 });
    expect(await page.locator('#connection').getAttribute('data-state')).toBe('offline');
    const before = (await pageLines(page)).length;
    await until(() => finals(call.callSid) >= before + 2, 30_000, 'two more lines said while offline');
    const onPage = await pageLines(page);
    expect(onPage.length).toBe(before); // nothing reached the page meanwhile
    expect(serverLines(call.callSid).filter((line) => !onPage.includes(line)).length).toBeGreaterThanOrEqual(2);

    // THEN back: socket.io recovered the session and replayed what was missed.
    proxy.restore();
    await page.locator('#connection[data-state="online"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#caught-up').getAttribute('data-recovered')).toBe('true');
    expect(await page.locator('#connection-banner').count()).toBe(0);
    await running;
    await until(() => t.hotline.registry.find(call.callSid)?.state === 'ended', 10_000, 'the call ended');
    await page.locator(`#calls li[data-call-sid="${call.callSid}"][data-state="ended"]`).waitFor({ timeout: 10_000 });
    await expect.poll(() => pageLines(page), { timeout: 5000 }).toEqual(serverLines(call.callSid));
    const lines = await pageLines(page);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.length).toBe(scenario.caller_says.length + scenario.operator_says.length);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('restores the call in hand after a reload in the middle of it, each line once', async () => {
    const page = await signIn();
    const short = { ...scenario, caller: '+8613900008888', caller_says: scenario.caller_says.slice(0, 3), operator_says: scenario.operator_says.slice(0, 3) };
    const call = t.call(short, { pace: 'realtime' });
    const running = call.run();
    // The first test's call, ended without a wrap-up, is listed too: the new call takes its place.
    const callerLines = page.locator(`#call[data-call-sid="${call.callSid}"] .side[data-speaker="caller"] .line.final`);
    await callerLines.nth(1).waitFor({ timeout: 30_000 });

    await page.reload();
    // Signed in still (the cookie), the call chosen again, its transcript so far fetched whole.
    await page.locator(`#calls li[data-call-sid="${call.callSid}"][aria-selected="true"]`).waitFor({ timeout: 10_000 });
    await callerLines.nth(1).waitFor({ timeout: 5000 });
    expect(await page.locator('#self-service, #ivr-path').count()).toBeGreaterThan(0);
    await running;
    await page.locator(`#calls li[data-call-sid="${call.callSid}"][data-state="ended"]`).waitFor({ timeout: 15_000 });
    await expect.poll(() => pageLines(page), { timeout: 5000 }).toEqual(serverLines(call.callSid));
    expect((await pageLines(page)).length).toBe(short.caller_says.length + short.operator_says.length);
    // The wrap-up draft came back too.
    expect(await page.locator('#wrapup textarea[name="summary"]').inputValue()).not.toBe('');
  }, 90_000);
});
