import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { consoleClient } from '../support/console-client.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { RULES_DIR } from '../support/rules.ts';

const NEW_TERM = '蓝莓派';
const SENTENCE = `你们都是${NEW_TERM}`;

// GIVEN the whole server on port 0 with its rules folder a temporary copy of the shipped one,
// and console users of every role talking to /api/rules with fetch. The tests run in order.
describe('rules REST API', () => {
  let t: TestHotline;
  let rulesDir: string;
  const cookies: Record<string, string> = {};

  type Reply = { status: number; body: any; headers: Headers };
  async function send(as: string | null, method: string, at: string, body?: string | Buffer | object, headers: Record<string, string> = {}): Promise<Reply> {
    const json = body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body);
    const res = await fetch(`${t.url}/api/rules${at}`, {
      method,
      headers: { ...(as ? { cookie: cookies[as]! } : {}), ...(body === undefined ? {} : { 'content-type': json ? 'application/json' : 'text/yaml; charset=utf-8' }), ...headers },
      ...(body === undefined ? {} : { body: json ? JSON.stringify(body) : typeof body === "string" ? body : new Uint8Array(body as Buffer) }),
    });
    const text = await res.text();
    const isJson = res.headers.get('content-type')?.startsWith('application/json');
    return { status: res.status, body: isJson ? JSON.parse(text) : text, headers: res.headers };
  }
  /** The flags the rules (not the examples) raise on a sentence, as the live engine judges it now. */
  const ruleFlags = async (text: string) => {
    const reply = await send('manager', 'POST', '/analyze', { text });
    expect(reply.status).toBe(200);
    return (reply.body.flags as { kind: string; category: string; evidence: string[]; learned?: number }[]).filter((f) => f.learned === undefined);
  };
  const onDisk = (name: string) => readFile(path.join(rulesDir, name), 'utf8');

  beforeAll(async () => {
    rulesDir = await mkdtemp(path.join(os.tmpdir(), 'rules-api-'));
    await cp(RULES_DIR, rulesDir, { recursive: true });
    t = await startTestHotline({ RULES_DIR: rulesDir });
    for (const role of ['operator', 'supervisor', 'manager', 'admin'] as const) cookies[role] = (await t.signIn(role, role)).cookie;
  });
  afterAll(async () => {
    await t?.close();
    await rm(rulesDir, { recursive: true, force: true });
  });

  it('lets supervisors, managers and admins read; refuses the unauthenticated (401) and operators (403)', async () => {
    const none = await send(null, 'GET', '/');
    expect(none).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect((await send(null, 'PUT', '/abuse.yaml', 'x: 1', { 'if-match': '*' })).status).toBe(401);

    for (const at of ['/', '/abuse.yaml', '/abuse.yaml/history']) {
      const op = await send('operator', 'GET', at);
      expect(op.status, `operator GET ${at}`).toBe(403);
      expect(op.body).toMatchObject({ code: 'forbidden', error: expect.stringContaining('operator') });
    }
    expect((await send('operator', 'POST', '/analyze', { text: SENTENCE })).status).toBe(403);

    for (const role of ['supervisor', 'manager', 'admin']) {
      const list = await send(role, 'GET', '/');
      expect(list.status, role).toBe(200);
      expect(list.body.version).toBeGreaterThanOrEqual(1);
      expect(list.body.files.map((f: { name: string }) => f.name).sort()).toEqual(['abuse.yaml', 'examples.yaml', 'intent.yaml', 'no-request.yaml', 'repeat.yaml', 'routing.yaml', 'unreasonable.yaml', 'urgent.yaml']);
    }
    const list = (await send('manager', 'GET', '/')).body;
    const abuse = list.files.find((f: { name: string }) => f.name === 'abuse.yaml');
    expect(abuse).toEqual({ name: 'abuse.yaml', size: expect.any(Number), modified: expect.any(String), etag: expect.stringMatching(/^[0-9a-f]{20}$/), lines: expect.any(Number) });

    const read = await send('supervisor', 'GET', '/abuse.yaml');
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toMatch(/^text\/yaml/);
    expect(read.headers.get('etag')).toBe(`"${abuse.etag}"`);
    expect(read.body).toBe(await onDisk('abuse.yaml'));
    expect((await send('manager', 'GET', '/secrets.yaml')).body).toMatchObject({ code: 'not_found' });
    expect((await send('manager', 'GET', '/..%2Fpackage.json')).status).toBe(404);
  });

  it('refuses writes from operators and supervisors (403) and changes nothing', async () => {
    const before = await onDisk('repeat.yaml');
    for (const role of ['operator', 'supervisor']) {
      const put = await send(role, 'PUT', '/repeat.yaml', before.replace('calls: 3', 'calls: 4'), { 'if-match': '*' });
      expect(put.status, role).toBe(403);
      expect(put.body.code).toBe('forbidden');
    }
    expect(await onDisk('repeat.yaml')).toBe(before);
  });

  it('takes a good edit: in force when the response arrives, the old version kept in the history', async () => {
    // GIVEN a made-up insult the rules do not know
    expect((await ruleFlags(SENTENCE)).filter((f) => f.kind === 'abuse')).toEqual([]);
    const read = await send('manager', 'GET', '/abuse.yaml');
    const etag = read.headers.get('etag')!;
    const versionBefore = (await send('manager', 'GET', '/')).body.version;

    // WHEN a manager adds it to the insult terms
    const edited = read.body.replace('      - 册那\n', `      - 册那\n      - ${NEW_TERM}\n`);
    expect(edited).not.toBe(read.body);
    const put = await send('manager', 'PUT', '/abuse.yaml', edited, { 'if-match': etag });

    // THEN the live engine flags it at once, the file holds the new text, and the change is recorded
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ file: { name: 'abuse.yaml', etag: expect.any(String) }, change: { change: 1, file: 'abuse.yaml', author: 'manager', before: etag.replaceAll('"', ''), after: put.body.file.etag }, version: versionBefore + 1 });
    expect(put.headers.get('etag')).toBe(`"${put.body.file.etag}"`);
    expect(await ruleFlags(SENTENCE)).toContainEqual(expect.objectContaining({ kind: 'abuse', category: 'insult', evidence: [NEW_TERM] }));
    expect(await onDisk('abuse.yaml')).toBe(edited);
    const history = await send('supervisor', 'GET', '/abuse.yaml/history');
    expect(history.body).toEqual([{ change: 1, at: expect.any(String), file: 'abuse.yaml', author: 'manager', before: etag.replaceAll('"', ''), after: put.body.file.etag, bytes: Buffer.byteLength(edited) }]);
    const old = await send('supervisor', 'GET', `/abuse.yaml/versions/${history.body[0].before}`);
    expect(old).toMatchObject({ status: 200, body: read.body });
    expect((await send('supervisor', 'GET', '/abuse.yaml/versions/0123456789abcdef0123')).status).toBe(404);
  });

  // (With the shipped rules, neither the rules nor the examples flag the sentence at all.)
  it('has the edited rules in force on live calls: the new insult is flagged on the console', async () => {
    const client = await consoleClient(t.url, { cookie: cookies['supervisor']! });
    try {
      const call = t.call(parseScenario({ caller: '+8613800006666', ivr: ['0'], caller_says: [SENTENCE], operator_says: ['请您文明用语'] }), { pace: 'realtime' });
      const running = call.run();
      await until(() => client.flags.some((u) => u.callSid === call.callSid && u.flags.some((f) => f.key === 'abuse.insult' && f.evidence.join() === NEW_TERM)), 20_000, 'the new insult flagged');
      await running;
    } finally {
      client.close();
    }
  });

  it('refuses a bad edit with the line and column of each problem; the disk and the rules in force stay as they were', async () => {
    const read = await send('admin', 'GET', '/abuse.yaml');
    const etag = read.headers.get('etag')!;
    const lines = (read.body as string).split('\n');
    const severityLine = lines.findIndex((l) => l === '    severity: medium') + 1;
    const broken = lines.map((l, i) => (i === severityLine - 1 ? '    severity: urgentish' : l)).join('\n');
    const version = (await send('admin', 'GET', '/')).body.version;

    // WHEN an admin saves a severity that is not one
    const put = await send('admin', 'PUT', '/abuse.yaml', broken, { 'if-match': etag });

    // THEN 422 names the line and column, and nothing changed
    expect(put.status).toBe(422);
    expect(put.body).toMatchObject({ code: 'invalid', error: 'abuse.yaml is not valid; nothing was changed' });
    expect(put.body.problems).toEqual([{ file: 'abuse.yaml', line: severityLine, column: 15, field: 'categories › insult › severity', problem: expect.stringContaining('emergency') }]);
    expect(await onDisk('abuse.yaml')).toBe(read.body);
    expect((await send('admin', 'GET', '/')).body.version).toBe(version);
    expect(await ruleFlags(SENTENCE)).toContainEqual(expect.objectContaining({ kind: 'abuse', category: 'insult' }));

    // A YAML syntax error names its line and column too.
    const termLine = lines.findIndex((l) => l === `      - ${NEW_TERM}`) + 1;
    const syntax = lines.map((l, i) => (i === termLine - 1 ? `      - [${NEW_TERM}` : l)).join('\n');
    const bad = await send('admin', 'PUT', '/abuse.yaml', syntax, { 'if-match': etag });
    expect(bad.status).toBe(422);
    expect(bad.body.problems[0]).toMatchObject({ file: 'abuse.yaml', line: expect.any(Number), column: expect.any(Number) });
    expect(bad.body.problems[0].line).toBeGreaterThanOrEqual(termLine);

    // A bad regular expression, and a department the responsibility list does not have (checked after the schema: placed by its field).
    const routing = await onDisk('routing.yaml');
    const routingLines = routing.split('\n');
    const civil = routingLines.findIndex((l) => l === '  - department: civil_aviation') + 1;
    const badDept = await send('manager', 'POST', '/routing.yaml/check', routing.replace('department: civil_aviation', 'department: airport_authority'));
    expect(badDept.status).toBe(422);
    expect(badDept.body.problems).toEqual([{ file: 'routing.yaml', line: civil, column: 17, field: 'rules[0].department', problem: '"airport_authority" is not a department id of knowledge/departments.tsv' }]);
    const regexLine = routingLines.findIndex((l) => l.includes("'信访'")) + 1;
    const badRegex = await send('manager', 'POST', '/routing.yaml/check', routing.replace("'信访'", "'信访('"));
    expect(badRegex.body.problems).toEqual([expect.objectContaining({ line: regexLine, problem: expect.stringContaining('not a valid regular expression') })]);
    expect(await send('manager', 'POST', '/routing.yaml/check', routing)).toMatchObject({ status: 200, body: { ok: true, problems: [] } });
    expect(await onDisk('routing.yaml')).toBe(routing);
  });

  it('refuses a stale save with 409 and a save without If-Match with 428', async () => {
    const read = await send('manager', 'GET', '/repeat.yaml');
    const etag = read.headers.get('etag')!;
    // GIVEN the admin saves first
    const first = await send('admin', 'PUT', '/repeat.yaml', read.body.replace('show: 5', 'show: 6'), { 'if-match': etag });
    expect(first.status).toBe(200);
    // WHEN the manager saves the edit of the version they read
    const stale = await send('manager', 'PUT', '/repeat.yaml', read.body.replace('show: 5', 'show: 7'), { 'if-match': etag });
    // THEN 409, naming who saved, with the version now on disk
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({ code: 'stale', current: first.body.file.etag, error: expect.stringContaining('by admin') });
    expect(await onDisk('repeat.yaml')).toContain('show: 6');

    const unconditional = await send('manager', 'PUT', '/repeat.yaml', read.body, {});
    expect(unconditional).toMatchObject({ status: 428, body: { code: 'precondition_required', current: first.body.file.etag } });
    const star = await send('manager', 'PUT', '/repeat.yaml', read.body.replace('show: 5', 'show: 7'), { 'if-match': '*' });
    expect(star.status).toBe(200);
    expect(await onDisk('repeat.yaml')).toContain('show: 7');
  });

  it('refuses what is not a rule file: too large (413), binary (422), JSON (415), an unknown name (404)', async () => {
    const before = await onDisk('intent.yaml');
    const huge = await send('manager', 'PUT', '/intent.yaml', 'a'.repeat(3 * 1024 * 1024), { 'if-match': '*' });
    expect(huge).toMatchObject({ status: 413, body: { code: 'too_large' } });

    const notUtf8 = await send('manager', 'PUT', '/intent.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]), { 'if-match': '*' });
    expect(notUtf8).toMatchObject({ status: 422, body: { code: 'not_text' } });
    const withNul = await send('manager', 'PUT', '/intent.yaml', `${before}\nx\u0000y`, { 'if-match': '*' });
    expect(withNul.status).toBe(422);
    expect(withNul.body).toMatchObject({ code: 'not_text', problems: [{ line: before.split('\n').length + 1, column: 2, problem: expect.stringContaining('U+0000') }] });

    const json = await send('manager', 'PUT', '/intent.yaml', { cues: [] }, { 'if-match': '*' });
    expect(json).toMatchObject({ status: 415, body: { code: 'unsupported_type' } });
    const unknown = await send('manager', 'PUT', '/passwd.yaml', 'x: 1', { 'if-match': '*' });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'not_found' } });
    const empty = await send('manager', 'PUT', '/intent.yaml', '', { 'if-match': '*' });
    expect(empty).toMatchObject({ status: 422, body: { code: 'invalid' } });

    expect(await onDisk('intent.yaml')).toBe(before);
  });

  it('brings back a rule file deleted by hand, with If-Match: * only', async () => {
    const file = path.join(rulesDir, 'no-request.yaml');
    const text = await onDisk('no-request.yaml');
    const etag = (await send('manager', 'GET', '/no-request.yaml')).headers.get('etag')!;
    await rm(file);
    expect((await send('manager', 'GET', '/')).body.files.map((f: { name: string }) => f.name)).not.toContain('no-request.yaml');
    expect((await send('manager', 'GET', '/no-request.yaml')).status).toBe(404);
    expect(await send('manager', 'PUT', '/no-request.yaml', text, { 'if-match': etag })).toMatchObject({ status: 409, body: { code: 'stale', error: expect.stringContaining('deleting the file') } });
    const back = await send('manager', 'PUT', '/no-request.yaml', text, { 'if-match': '*' });
    expect(back).toMatchObject({ status: 200, body: { change: { file: 'no-request.yaml', before: null, after: etag.replaceAll('"', '') } } });
    expect(await onDisk('no-request.yaml')).toBe(text);
  });
});
