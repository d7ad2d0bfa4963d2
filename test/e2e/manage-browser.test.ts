import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startTestHotline, type TestHotline } from '../support/hotline.ts';
import { KNOWLEDGE_DIR } from '../support/knowledge.ts';
import { RULES_DIR } from '../support/rules.ts';

const ARTIFACTS = path.resolve('test-artifacts');
const VIEWPORT = { width: 1366, height: 768 };
const NEW_TERM = '蓝莓派';

// GIVEN the whole server with temporary copies of the knowledge and rules folders, and the console
// in real Chromium at 1366×768; a manager and an operator sign in through the form.
describe('manager pages in a real browser', () => {
  let t: TestHotline;
  let browser: Browser;
  let knowledgeDir: string;
  let rulesDir: string;

  beforeAll(async () => {
    [knowledgeDir, rulesDir] = await Promise.all([mkdtemp(path.join(os.tmpdir(), 'manage-kb-')), mkdtemp(path.join(os.tmpdir(), 'manage-rules-')), mkdir(ARTIFACTS, { recursive: true })]);
    await Promise.all([cp(KNOWLEDGE_DIR, knowledgeDir, { recursive: true }), cp(RULES_DIR, rulesDir, { recursive: true })]);
    [t, browser] = await Promise.all([startTestHotline({ KNOWLEDGE_DIR: knowledgeDir, RULES_DIR: rulesDir }), launchChromium()]);
    await t.hotline.users.add({ username: 'mgr', role: 'manager', displayName: '业务主管', password: 'mgr-password' });
    await t.hotline.users.add({ username: 'op1', role: 'operator', displayName: '坐席一号', password: 'op1-password' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await Promise.all([knowledgeDir, rulesDir].map((dir) => dir && rm(dir, { recursive: true, force: true })));
  });

  async function signIn(username: string, password: string): Promise<Page> {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${t.url}/console`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#login button[type="submit"]');
    await page.locator('#me-name').waitFor();
    return page;
  }
  /** What the service token reads from an API (not through the page). */
  async function api(at: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(`${t.url}${at}`, { ...init, headers: { authorization: `Bearer ${t.config.consoleToken}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
  }
  const ruleFlags = async (text: string) => ((await api('/api/rules/analyze', { method: 'POST', body: JSON.stringify({ text }) })).body.flags as { kind: string; evidence: string[]; learned?: number }[]).filter((f) => f.kind === 'abuse' && f.learned === undefined);

  it('lets a manager search the knowledge base, edit an answer with errors shown at their fields, and see the change in force and in its history', async () => {
    const page = await signIn('mgr', 'mgr-password');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.locator('#manage').waitFor(); // a manager lands on the manager pages
    expect(await page.locator('#tab-knowledge').getAttribute('aria-selected')).toBe('true');
    await page.locator('#kb-scenarios button[data-id]').first().waitFor();
    // Browse by category: a domain chip narrows the list to its scenarios.
    await page.locator('#kb-categories button[data-domain="住房公积金"]').click();
    const inDomain = await page.locator('#kb-scenarios button[data-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(inDomain.length).toBeGreaterThan(0);
    expect(inDomain.every((id) => id!.startsWith('gjj.'))).toBe(true);

    // WHEN the manager searches with a caller's words and opens the top scenario
    await page.fill('#kb-query', '租房能不能取公积金');
    await page.click('#kb-search');
    await page.locator('#kb-results button[data-id="gjj.withdraw_rent"]').click();
    const editor = page.locator('#scenario-editor[data-id="gjj.withdraw_rent"]');
    await editor.waitFor();

    // AND saves with too few phrasings and a new list of materials
    const phrasings = editor.locator('textarea[name="phrasings"]');
    const allPhrasings = await phrasings.inputValue();
    await phrasings.fill('租房能取公积金吗');
    const materials = ['本人身份证', '无房证明（线上开具）', '租赁合同（浏览器测试修改）'];
    await editor.locator('textarea[name="answer.materials"]').fill(materials.join('\n'));
    await page.click('#kb-save');

    // THEN the problem is shown under the phrasings field, and nothing was saved
    const phrasingsErrors = editor.locator('.field[data-field="phrasings"] .field-errors');
    await phrasingsErrors.waitFor();
    expect(await phrasingsErrors.textContent()).toContain('至少写 6 种来电问法');
    expect(await page.locator('#kb-notice').textContent()).toContain('未保存');
    expect((await api('/api/knowledge/scenarios/gjj.withdraw_rent')).body.answer.materials).not.toEqual(materials);
    await page.screenshot({ path: path.join(ARTIFACTS, 'manage-knowledge-error.png') });
    // The English toggle says the page and the problem in English.
    await page.click('#lang');
    expect(await page.locator('#tab-knowledge').textContent()).toBe('Knowledge base');
    expect(await phrasingsErrors.textContent()).toContain('give at least 6 ways a caller says it');
    await page.click('#lang');
    expect(await page.locator('#tab-knowledge').textContent()).toBe('知识库');

    // WHEN the phrasings are put back and it is saved again
    await phrasings.fill(allPhrasings);
    await page.click('#kb-save');
    await page.locator('#kb-notice.ok').waitFor();
    expect(await editor.locator('.field-errors').count()).toBe(0);

    // THEN the API returns the new answer, and the search engine has it
    expect((await api('/api/knowledge/scenarios/gjj.withdraw_rent')).body.answer.materials).toEqual(materials);
    const search = await api('/api/knowledge/search', { method: 'POST', body: JSON.stringify({ text: '租房能不能取公积金' }) });
    expect(search.body.suggestions[0]).toMatchObject({ id: 'gjj.withdraw_rent', answer: { materials } });

    // AND the history shows the change, by whom, with what it changed
    await page.click('#kb-history-toggle');
    const change = page.locator('#kb-history li[data-change]').first();
    await change.waitFor();
    expect(await change.textContent()).toContain('mgr');
    expect(await change.textContent()).toContain('answer');
    await change.locator('button').click();
    await change.locator('.diff-added', { hasText: '租赁合同（浏览器测试修改）' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'manage-knowledge.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  // Each save judges every rule file together and reloads the rules, and this test saves and
  // reloads several times: on a busy machine (CI) that has taken over 30 s.
  it('shows a broken rule file\'s error at its line while the old rules stay in force, and saves the fixed file', async () => {
    const page = await signIn('mgr', 'mgr-password');
    await page.click('#tab-rules');
    await page.locator('#rule-files button[data-file="abuse.yaml"]').click();
    const area = page.locator('#rule-editor[data-file="abuse.yaml"] textarea');
    await area.waitFor();
    const original = await area.inputValue();
    expect(original).toBe(await readFile(path.join(rulesDir, 'abuse.yaml'), 'utf8'));
    expect(await ruleFlags(`你们都是${NEW_TERM}`)).toEqual([]);

    // WHEN the manager adds an insult and, by mistake, a severity that is not one
    const lines = original.split('\n');
    const severityLine = lines.indexOf('    severity: medium') + 1;
    const broken = original.replace('    severity: medium', '    severity: urgentish').replace('      - 册那\n', `      - 册那\n      - ${NEW_TERM}\n`);
    await area.fill(broken);
    await page.click('#rule-save');

    // THEN the line is marked in the gutter and behind the text, the message is beside it, the caret is on it
    const note = page.locator(`.line-note[data-line="${severityLine}"]`);
    await note.waitFor();
    expect(await note.textContent()).toContain(`第 ${severityLine} 行第 15 列`);
    expect(await note.textContent()).toContain('取值无效，应为以下之一："emergency"');
    await page.locator(`.gutter-mark[data-line="${severityLine}"]`).waitFor();
    await page.locator(`.line-mark[data-line="${severityLine}"]`).waitFor();
    expect(await page.locator('#rule-caret').textContent()).toBe(`第 ${severityLine} 行`);
    expect(await page.locator('#rule-notice').textContent()).toContain('原来的规则');
    // The mark is drawn where the line is: the line's top in the textarea, as scrolled.
    const [markTop, areaTop, scrollTop] = await Promise.all([
      page.locator(`.line-mark[data-line="${severityLine}"]`).evaluate((e) => e.getBoundingClientRect().top),
      area.evaluate((e) => e.getBoundingClientRect().top),
      area.evaluate((e) => e.scrollTop),
    ]);
    expect(Math.abs(markTop - (areaTop + 4 + (severityLine - 1) * 20 - scrollTop))).toBeLessThan(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'manage-rules-error.png') });

    // AND nothing changed on disk or in force: the new insult is not flagged
    expect(await readFile(path.join(rulesDir, 'abuse.yaml'), 'utf8')).toBe(original);
    expect(await ruleFlags(`你们都是${NEW_TERM}`)).toEqual([]);

    // WHEN the manager fixes the line and saves
    await area.fill(broken.replace('    severity: urgentish', '    severity: medium'));
    await page.click('#rule-save');
    await page.locator('#rule-notice.ok').waitFor();
    expect(await page.locator('.line-note').count()).toBe(0);

    // THEN the file is saved and the live engine flags the new insult
    expect(await readFile(path.join(rulesDir, 'abuse.yaml'), 'utf8')).toContain(`      - ${NEW_TERM}\n`);
    expect(await ruleFlags(`你们都是${NEW_TERM}`)).toContainEqual(expect.objectContaining({ kind: 'abuse', evidence: [NEW_TERM] }));
    await page.click('#rule-history-toggle');
    await page.locator('#rule-history li[data-change="1"]').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'manage-rules.png') });

    // WHEN someone else saves the file meanwhile, the manager's next save is refused and explained
    const current = await api('/api/rules/abuse.yaml');
    const theirEtag = (await fetch(`${t.url}/api/rules/abuse.yaml`, { headers: { authorization: `Bearer ${t.config.consoleToken}` } })).headers.get('etag')!;
    const put = await fetch(`${t.url}/api/rules/abuse.yaml`, { method: 'PUT', headers: { authorization: `Bearer ${t.config.consoleToken}`, 'content-type': 'text/yaml', 'if-match': theirEtag }, body: current.body.replace('      - 扑街\n', '') });
    expect(put.status).toBe(200);
    await area.fill((await area.inputValue()).replace('      - 龟儿子\n', ''));
    await page.click('#rule-save');
    await page.locator('#rule-stale').waitFor();
    expect(await page.locator('#rule-stale').textContent()).toContain('console-token');
    await page.click('#rule-compare');
    await page.locator('#rule-stale .diff-removed', { hasText: '龟儿子' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'manage-rules-stale.png') });
    expect(await readFile(path.join(rulesDir, 'abuse.yaml'), 'utf8')).toContain('龟儿子');

    // WHEN a file on disk is broken by hand, opening it shows its problem at its line (leaving the unsaved edit is confirmed)
    const intentFile = path.join(rulesDir, 'intent.yaml');
    const intent = await readFile(intentFile, 'utf8');
    const cueLine = intent.split('\n').findIndex((l) => /^\s+- intent: /.test(l)) + 1;
    await writeFile(intentFile, intent.replace(/^(\s+- intent: )\w+/m, '$1gossip'));
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('#rule-files button[data-file="intent.yaml"]').click();
    await page.locator(`#rule-editor[data-file="intent.yaml"] .line-note[data-line="${cueLine}"]`).waitFor();
    expect(await page.locator('#rule-notice').textContent()).toContain('最近一次正确的版本');
    await writeFile(intentFile, intent);
    await page.close();
  }, 60_000);

  it('gives an operator no manager page, and the APIs refuse them', async () => {
    const page = await signIn('op1', 'op1-password');
    await page.locator('#desk').waitFor();
    expect(await page.locator('header nav a[href="#/manage"]').count()).toBe(0);
    // Typing the address does not open it either: the operator's page is the desk.
    await page.goto(`${t.url}/console#/manage/rules`);
    await page.locator('#desk').waitFor();
    expect(await page.locator('#manage').count()).toBe(0);
    // And the server refuses the operator's session, whatever the page shows.
    const statuses = await page.evaluate(async () => {
      const put = (url: string, body: string, type: string) => fetch(url, { method: 'PUT', headers: { 'content-type': type, 'if-match': '*' }, body }).then((r) => r.status);
      return {
        rulesRead: await fetch('/api/rules').then((r) => r.status),
        rulesWrite: await put('/api/rules/abuse.yaml', 'categories: {}', 'text/yaml'),
        knowledgeWrite: await put('/api/knowledge/scenarios/gjj.withdraw_rent', '{}', 'application/json'),
      };
    });
    expect(statuses).toEqual({ rulesRead: 403, rulesWrite: 403, knowledgeWrite: 403 });
    await page.close();
  });
});
