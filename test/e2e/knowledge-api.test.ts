import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimEvent } from '../../server/simulator/call.ts';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { consoleClient } from '../support/console-client.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { dogLicence as newDogLicence, KNOWLEDGE_DIR } from '../support/knowledge.ts';

const dogLicence = newDogLicence();
const DOG_QUESTION = '我家刚养了一条小狗，狗证要去哪里办';

// GIVEN the whole server on port 0, with its knowledge folder a temporary copy of the shipped one,
// and managers talking to /api/knowledge with fetch. The tests run in order.
describe('knowledge REST API', () => {
  let t: TestHotline;
  let knowledgeDir: string;

  type Reply = { status: number; body: any };
  async function send(method: string, at: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(`${t.url}/api/knowledge${at}`, {
      method,
      headers: { authorization: `Bearer ${t.config.consoleToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  }
  const suggested = async (text: string): Promise<string[]> => {
    const reply = await send('POST', '/search', { text });
    expect(reply.status).toBe(200);
    return reply.body.suggestions.map((s: { id: string }) => s.id);
  };

  beforeAll(async () => {
    knowledgeDir = await mkdtemp(path.join(os.tmpdir(), 'knowledge-api-'));
    await cp(KNOWLEDGE_DIR, knowledgeDir, { recursive: true });
    t = await startTestHotline({ KNOWLEDGE_DIR: knowledgeDir });
  });
  afterAll(async () => {
    await t?.close();
    await rm(knowledgeDir, { recursive: true, force: true });
  });

  it('answers 401 without the console token or with a wrong one', async () => {
    const none = await fetch(`${t.url}/api/knowledge/scenarios`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'a Bearer token is required' });
    expect((await send('GET', '/', undefined, { authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect((await send('POST', '/scenarios', dogLicence, { authorization: `Basic ${t.config.consoleToken}` })).status).toBe(401);
  });

  it('shows the version in force, the scenarios, one scenario whole, and the departments', async () => {
    const info = await send('GET', '/');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ version: 1, scenarios: 64, subScenarios: expect.any(Number), loadedAt: expect.any(String) });

    const list = await send('GET', '/scenarios');
    expect(list.body).toHaveLength(64);
    expect(list.body).toContainEqual({ id: 'gjj.loan', title: '住房公积金贷款申请条件与额度', domain: '住房公积金', department: 'housing_fund', status: 'active', subScenarios: expect.any(Number) });

    const loan = await send('GET', '/scenarios/gjj.loan');
    expect(loan.status).toBe(200);
    expect(loan.body).toMatchObject({ id: 'gjj.loan', department: 'housing_fund', file: 'scenarios/gjj.yaml', answer: expect.any(Object), spoken: expect.any(String) });
    expect(loan.body.phrasings.length).toBeGreaterThanOrEqual(6);
    expect(loan.body.subScenarios.map((s: { id: string }) => s.id)).toContain('gjj.loan.combo');

    // The responsibility list, for the wrap-up form's department choice.
    const departments = await send('GET', '/departments');
    expect(departments.body).toContainEqual({ id: 'housing_fund', name: '住房公积金管理中心' });

    const missing = await send('GET', '/scenarios/gjj.no_such');
    expect(missing).toEqual({ status: 404, body: { error: 'no scenario gjj.no_such' } });
  });

  it('creates, edits and retires a scenario, each in force when the response arrives and kept in its history', async () => {
    // WHEN a manager creates a scenario
    const created = await send('POST', '/scenarios?domain=宠物', dogLicence);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'pets.dog_licence', domain: '宠物', status: 'active' });
    expect(await suggested(DOG_QUESTION)).toContain('pets.dog_licence');
    expect((await send('GET', '/')).body).toMatchObject({ version: 2, scenarios: 65 });
    expect((await send('GET', '/scenarios/pets.dog_licence/history')).body).toMatchObject([{ change: 1, action: 'create', id: 'pets.dog_licence', author: 'console-token', before: null, after: { title: '养犬登记办理' } }]);

    // WHEN the same id is created again
    expect((await send('POST', '/scenarios', dogLicence)).status).toBe(409);

    // WHEN its title is changed
    const updated = await send('PUT', '/scenarios/pets.dog_licence', { ...dogLicence, title: '养犬登记与年审' });
    expect(updated.status).toBe(200);
    expect((await send('GET', '/scenarios/pets.dog_licence')).body.title).toBe('养犬登记与年审');
    const search = await send('POST', '/search', { text: DOG_QUESTION, limit: 3 });
    expect(search.body.suggestions[0]).toMatchObject({ id: 'pets.dog_licence', title: '养犬登记与年审' });

    // WHEN it is retired
    const retired = await send('DELETE', '/scenarios/pets.dog_licence');
    expect(retired.status).toBe(200);
    expect(retired.body.status).toBe('retired');
    expect(await suggested(DOG_QUESTION)).not.toContain('pets.dog_licence');
    expect((await send('GET', '/scenarios/pets.dog_licence')).body.status).toBe('retired');
    expect((await send('GET', '/')).body).toMatchObject({ version: 4, scenarios: 64 }); // the index holds active scenarios only

    // THEN its history has the three changes, oldest first
    const history = await send('GET', '/scenarios/pets.dog_licence/history');
    expect(history.body.map((c: { action: string }) => c.action)).toEqual(['create', 'update', 'retire']);
    expect(history.body[1]).toMatchObject({ before: { title: '养犬登记办理' }, after: { title: '养犬登记与年审' } });
  });

  it('refuses bad requests: 400 naming the fields, 400 for a body that is not JSON, 404 for an unknown id', async () => {
    const broken = await send('POST', '/scenarios', { ...dogLicence, id: 'pets.cat', department: 'no_such_department', phrasings: ['就一句'] });
    expect(broken.status).toBe(400);
    expect(broken.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['department', 'phrasings']);

    const notJson = await send('POST', '/scenarios', '{"id": "pets.cat", "title": ');
    expect(notJson).toEqual({ status: 400, body: { error: 'the body is not valid JSON' } });
    const plainText = await send('POST', '/scenarios', undefined, { 'content-type': 'text/plain' });
    expect(plainText.status).toBe(400);

    const wrongId = await send('PUT', '/scenarios/gjj.loan', { ...dogLicence, id: 'gjj.other' });
    expect(wrongId.status).toBe(400);
    expect((await send('PUT', '/scenarios/pets.no_such', { ...dogLicence, id: 'pets.no_such' })).status).toBe(404);
    expect((await send('DELETE', '/scenarios/pets.no_such')).status).toBe(404);
    expect((await send('POST', '/search', { text: '' })).status).toBe(400);

    expect((await send('GET', '/scenarios')).body).toHaveLength(65); // nothing was written
    expect((await send('GET', '/scenarios/pets.cat')).status).toBe(404);
  });

  it('names each bad field by its path, for a form to show the message beside the field', async () => {
    const broken = await send('POST', '/scenarios', { ...dogLicence, id: 'pets.cat', answer: { conditions: [''] }, spoken: '' });
    expect(broken.status).toBe(400);
    expect(broken.body.problems).toEqual(expect.arrayContaining([
      { file: 'request', line: null, field: 'answer.conditions.0', path: ['answer', 'conditions', 0], problem: 'must not be empty' },
      { file: 'request', line: null, field: 'spoken', path: ['spoken'], problem: 'must not be empty' },
    ]));
  });

  it('refuses with 409 an edit made from a version someone else has changed since (If-Match)', async () => {
    const read = await fetch(`${t.url}/api/knowledge/scenarios/gjj.loan`, { headers: { authorization: `Bearer ${t.config.consoleToken}` } });
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{20}"$/);
    const { domain: _domain, file: _file, sample: _sample, ...loan } = await read.json();
    const first = await send('PUT', '/scenarios/gjj.loan', { ...loan, title: '公积金贷款（第一次修改）' }, { 'if-match': etag });
    expect(first.status).toBe(200);
    const stale = await send('PUT', '/scenarios/gjj.loan', { ...loan, title: '公积金贷款（过期的修改）' }, { 'if-match': etag });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/changed since it was read \(by console-token\)/);
    expect((await send('GET', '/scenarios/gjj.loan')).body.title).toBe('公积金贷款（第一次修改）');
  });

  it('takes an edit while a call is live without disturbing the call', async () => {
    const client = await consoleClient(t.url, await t.signIn('super'));
    try {
      const question = '我想问一下社保卡丢了怎么补办';
      const events: SimEvent[] = [];
      const call = t.call(parseScenario({ caller: '+8613800007777', ivr: ['0'], caller_says: [question], operator_says: ['您好'] }), { pace: 'realtime', onEvent: (e) => events.push(e) });
      const done = call.run();
      await until(() => events.some((e) => e.type === 'stream'), 10_000, 'the media stream to open');
      const versionBefore = (await send('GET', '/')).body.version;

      // WHEN a manager edits the knowledge base while the caller is speaking
      const loan = (await send('GET', '/scenarios/gjj.loan')).body;
      const { domain: _domain, file: _file, sample: _sample, ...input } = loan;
      const edit = await send('PUT', '/scenarios/gjj.loan', { ...input, title: '公积金贷款（热线更新）' });
      expect(edit.status).toBe(200);
      expect(t.hotline.registry.get(call.callSid), 'the call is still live after the edit').toBeDefined();
      expect((await send('GET', '/')).body.version).toBe(versionBefore + 1);

      // THEN the call runs to its normal end, with the caller's words final on the console
      await done;
      await until(() => client.ended.has(call.callSid), 10_000, 'the call to end');
      expect(client.ended.get(call.callSid)).toBe('completed');
      const final = client.lines.find((l) => l.callSid === call.callSid && l.speaker === 'caller' && l.final);
      expect(final?.text).toBe(question);
      expect(client.suggestions.some((u) => u.callSid === call.callSid && u.items[0]?.id === 'shebao.card')).toBe(true);
      expect((await send('GET', '/scenarios/gjj.loan')).body.title).toBe('公积金贷款（热线更新）');
    } finally {
      client.close();
    }
  });
});
