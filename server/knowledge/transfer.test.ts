import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKnowledge } from './files.ts';
import { KnowledgeError, type KnowledgeBase } from './knowledge-base.ts';
import { CSV_COLUMNS, TRANSFER_FORMAT, TRANSFER_FORMATS, exportKnowledge, importKnowledge, type ImportResult } from './transfer.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

const GJJ = `domain: 住房公积金
sample: false
scenarios:
  - id: gjj.withdraw_rent
    title: 租房提取住房公积金
    department: housing_fund
    intent: consult
    keywords: [租房, 提取公积金]
    synonyms:
      租房: [租房子, 租的房子]
    phrasings: [租房能不能提公积金, 公积金能取出来交房租吗, 租房提取要带什么, 没房子每月能取多少, 按月取还是按年取, 房东不开发票能取吗]
    answer:
      conditions: [本人及配偶在本市无自有住房]
      materials: ['身份证, 户口本', '"无房证明"']
    spoken: 租房提取公积金，需要您和配偶在本市都没有自有住房，在公积金App申请即可。
    subScenarios:
      - id: gjj.withdraw_rent.quota
        title: 无备案合同，按定额提取
        phrasings: [没有合同能提吗, 房东不备案能取吗]
        answer:
          timeLimit: [每月最多提取1500元]
        spoken: 没有备案合同也可以按定额提取，每月最多一千五百元。
  - id: gjj.loan
    title: 公积金贷款
    department: housing_fund
    intent: consult
    keywords: [贷款]
    phrasings: [公积金能贷多少, 公积金贷款怎么办, 贷款要什么材料, 贷款多久能批, 二套房能用公积金贷吗, 公积金贷款利率多少]
    answer:
      channels: [公积金管理中心各服务网点]
    spoken: 公积金贷款请到公积金管理中心各服务网点办理。
    status: retired
`;

/** Another domain, so a folder can be valid without the scenarios an import brings. */
const SEED = `domain: 交通出行
scenarios:
  - id: traffic.parking
    title: 违章停车举报
    department: traffic_police
    intent: report
    keywords: [违停]
    phrasings: [有人乱停车, 门口被车堵了, 违章停车怎么举报, 小区门口停满了车, 消防通道被占了, 车停在人行道上]
    answer:
      channels: [拨打122或在交管App举报]
    spoken: 违章停车可以拨打一二二或在交管App举报。
`;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A knowledge folder in a temp dir: the real departments list and the given domain files. */
async function knowledgeDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kb-transfer-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'scenarios'));
  await copyFile(path.join(REPO, 'knowledge/departments.tsv'), path.join(dir, 'departments.tsv'));
  await writeFile(path.join(dir, 'synonyms.yaml'), 'groups: []\n');
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, 'scenarios', name), text);
  return dir;
}

async function load(dir: string): Promise<KnowledgeBase> {
  const result = await loadKnowledge(dir);
  if ('errors' in result) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.kb;
}

/** Every file of the folder and its text, to prove an import wrote nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const names = await readdir(dir, { recursive: true });
  const out: Record<string, string> = {};
  for (const name of names.sort()) out[name] = await readFile(path.join(dir, name), 'utf8').catch(() => '(dir)');
  return out;
}

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string>>;
const csv = (rows: Row[]) => stringify([[...CSV_COLUMNS], ...rows.map((r) => CSV_COLUMNS.map((c) => r[c] ?? ''))]);
const lines = (n: number, stem: string) => Array.from({ length: n }, (_, i) => `${stem}${i + 1}`).join('\n');
const scenarioRow = (id: string, more: Row = {}): Row => ({ id, domain: '住房公积金', title: `标题${id}`, department: 'housing_fund', keywords: '公积金', phrasings: lines(6, `${id}问法`), conditions: '条件一\n条件二', spoken: '请到网点办理。', ...more });
const subRow = (id: string, parent: string, more: Row = {}): Row => ({ id, parent, title: `标题${id}`, phrasings: lines(2, `${id}问法`), notes: '说明', spoken: '请到网点办理。', ...more });

function errorsOf(result: ImportResult): KnowledgeError[] {
  if (!('errors' in result)) throw new Error(`expected errors, got ${JSON.stringify(result.summary)}`);
  return result.errors;
}

describe('knowledge transfer', () => {
  it.each(TRANSFER_FORMATS)('round trip through %s: an export imported into another folder recreates the same scenarios', async (format) => {
    // GIVEN a knowledge base exported, and a folder that has none of its scenarios
    const source = await knowledgeDir({ 'gjj.yaml': GJJ });
    const before = await load(source);
    const text = exportKnowledge(before, format);
    const target = await knowledgeDir({ 'traffic.yaml': SEED });

    // WHEN it is imported there
    const result = await importKnowledge(target, { file: `kb.${format}`, text, format });

    // THEN the scenarios, with domain and file, are the same as the source's; the seed is kept
    expect(result).toEqual({ summary: { added: 3, replaced: 0, unchanged: 0, files: ['scenarios/gjj.yaml'] } });
    const after = await load(target);
    expect(after.scenarios.filter((s) => s.file === 'scenarios/gjj.yaml')).toEqual(before.scenarios);
    expect(after.scenarios.map((s) => s.id)).toContain('traffic.parking');

    // AND importing it again over the source changes no file
    const files = await snapshot(source);
    expect(await importKnowledge(source, { file: `kb.${format}`, text, format })).toEqual({ summary: { added: 0, replaced: 0, unchanged: 3, files: [] } });
    expect(await snapshot(source)).toEqual(files);
  });

  it('exports CSV with a BOM, one row per scenario and sub-scenario, list items one per line', async () => {
    const text = exportKnowledge(await load(await knowledgeDir({ 'gjj.yaml': GJJ })), 'csv');
    expect(text.startsWith('\uFEFFid,parent,domain,title,department,intent,status,keywords,synonyms,phrasings,')).toBe(true);
    expect(text).toContain('"租房\n提取公积金"');
    expect(text).toContain(',租房: 租房子、租的房子,');
    expect(text).toContain('gjj.withdraw_rent.quota,gjj.withdraw_rent,,');
    expect(JSON.parse(exportKnowledge(await load(await knowledgeDir({ 'gjj.yaml': GJJ })), 'json'))).toMatchObject({ format: TRANSFER_FORMAT, domains: [{ domain: '住房公积金', sample: false, file: 'gjj' }] });
  });

  it('names the row and column of every broken CSV row and writes nothing', async () => {
    // GIVEN rows with multi-line cells, so row numbers differ from line numbers
    const dir = await knowledgeDir({ 'gjj.yaml': GJJ });
    const files = await snapshot(dir);
    const text = csv([
      scenarioRow('gjj.ok'), // row 2
      scenarioRow('gjj.few', { phrasings: '就一句\n两句\n三句' }), // row 3
      scenarioRow('gjj.dept', { department: 'ministry_of_magic' }), // row 4
      scenarioRow('gjj.ok', { keywords: `公积金\n${'长'.repeat(201)}` }), // row 5
      subRow('gjj.few.sub', 'gjj.few', { department: 'housing_fund' }), // row 6
    ]);

    const errors = errorsOf(await importKnowledge(dir, { file: 'broken.csv', text, format: 'csv' }));

    expect(errors.every((e) => e instanceof KnowledgeError && e.file === 'broken.csv')).toBe(true);
    expect(errors.map((e) => e.message)).toEqual([
      'broken.csv: row 3, column phrasings: give at least 6 ways a caller says it',
      'broken.csv: row 4, column department: not a department id of knowledge/departments.tsv',
      'broken.csv: row 5, column id: the id is already used in row 2',
      'broken.csv: row 5, column keywords: item 2: at most 200 characters',
      'broken.csv: row 6, column department: leave it empty on a sub-scenario row: the sub-scenario takes it from its scenario',
    ]);
    expect(errors.map((e) => [e.line, e.field])).toContainEqual([3, 'phrasings']);
    expect(await snapshot(dir)).toEqual(files);
  });

  it('refuses unknown and missing columns, accepts a file without BOM and ignores blank rows', async () => {
    const dir = await knowledgeDir({ 'gjj.yaml': GJJ });
    const header = 'id,title,phrasings,color\n';
    expect(errorsOf(await importKnowledge(dir, { file: 'a.csv', text: header, format: 'csv' })).map((e) => e.message)).toEqual([
      expect.stringMatching(/^a\.csv: row 1, column color: unknown column/),
      'a.csv: row 1, column spoken: the column is missing',
    ]);
    const text = csv([scenarioRow('gjj.new')]).replace(/\n/, '\n,,,\n'); // no BOM, a blank row 2
    expect(await importKnowledge(dir, { file: 'b.csv', text, format: 'csv' })).toMatchObject({ summary: { added: 1 } });
  });

  it('refuses a sub-scenario row whose parent is neither in the import nor in the knowledge base', async () => {
    const dir = await knowledgeDir({ 'gjj.yaml': GJJ });
    const files = await snapshot(dir);
    const text = csv([subRow('gjj.nowhere.sub', 'gjj.nowhere'), scenarioRow('gjj.fine')]);

    const errors = errorsOf(await importKnowledge(dir, { file: 'subs.csv', text, format: 'csv' }));

    expect(errors.map((e) => e.message)).toEqual(['subs.csv: row 2, column parent: no scenario "gjj.nowhere" in this import or in the knowledge base']);
    expect(await snapshot(dir)).toEqual(files);
  });

  it('attaches sub-scenario rows to a parent later in the import or already in the knowledge base, keeping the others', async () => {
    const dir = await knowledgeDir({ 'gjj.yaml': GJJ });
    const text = csv([
      subRow('gjj.fresh.first', 'gjj.fresh'),
      scenarioRow('gjj.fresh'),
      subRow('gjj.withdraw_rent.filed', 'gjj.withdraw_rent'),
      subRow('gjj.withdraw_rent.quota', 'gjj.withdraw_rent', { title: '按定额提取（新）' }),
    ]);

    expect(await importKnowledge(dir, { file: 'subs.csv', text, format: 'csv' })).toEqual({ summary: { added: 3, replaced: 1, unchanged: 0, files: ['scenarios/gjj.yaml'] } });

    const kb = await load(dir);
    expect(kb.scenarios.find((s) => s.id === 'gjj.fresh')?.subScenarios.map((s) => s.id)).toEqual(['gjj.fresh.first']);
    const rent = kb.scenarios.find((s) => s.id === 'gjj.withdraw_rent');
    expect(rent?.subScenarios.map((s) => [s.id, s.title])).toEqual([
      ['gjj.withdraw_rent.quota', '按定额提取（新）'],
      ['gjj.withdraw_rent.filed', '标题gjj.withdraw_rent.filed'],
    ]);
    expect(rent?.synonyms).toEqual({ 租房: ['租房子', '租的房子'] });
  });

  it('creates the domain file of a new id prefix, named after the prefix, not sample policy', async () => {
    const dir = await knowledgeDir({ 'gjj.yaml': GJJ });
    const text = csv([scenarioRow('civil.marriage', { domain: '婚姻登记', department: 'civil_affairs', synonyms: '结婚证：结婚登记、领证' })]);

    expect(await importKnowledge(dir, { file: 'civil.csv', text, format: 'csv' })).toEqual({ summary: { added: 1, replaced: 0, unchanged: 0, files: ['scenarios/civil.yaml'] } });

    expect(await readdir(path.join(dir, 'scenarios'))).toEqual(['civil.yaml', 'gjj.yaml']); // no temp file left behind
    const written = await readFile(path.join(dir, 'scenarios/civil.yaml'), 'utf8');
    expect(written).toMatch(/^domain: 婚姻登记\nsample: false\n/);
    expect(written).not.toContain('status:');
    const [marriage] = (await load(dir)).scenarios.filter((s) => s.file === 'scenarios/civil.yaml');
    expect(marriage).toMatchObject({ id: 'civil.marriage', domain: '婚姻登记', sample: false, synonyms: { 结婚证: ['结婚登记', '领证'] } });
  });

  it('reports JSON problems by path, with no line, and refuses a scenario moving to another domain', async () => {
    const dir = await knowledgeDir({ 'gjj.yaml': GJJ });
    const exported = JSON.parse(exportKnowledge(await load(dir), 'json'));
    exported.domains[0].scenarios[1].department = 'nowhere';
    exported.domains[0].domain = '公积金';
    const files = await snapshot(dir);

    const errors = errorsOf(await importKnowledge(dir, { file: 'kb.json', text: JSON.stringify(exported), format: 'json' }));

    expect(errors.map((e) => [e.file, e.line, e.field, e.problem])).toEqual([
      ['kb.json', null, 'domains[0].scenarios[1] (gjj.loan) › department', 'not a department id of knowledge/departments.tsv'],
      ['kb.json', null, 'domains[0].scenarios[0] (gjj.withdraw_rent) › domain', 'scenarios/gjj.yaml, where this id belongs, holds the domain "住房公积金"; an import cannot move a scenario to another domain'],
    ]);
    expect(await snapshot(dir)).toEqual(files);
  });

  it('the kb CLI exits 0 on success, 1 on problems (one per line, then a count) and 2 on bad arguments', async () => {
    const dir = await knowledgeDir({ 'gjj.yaml': GJJ });
    const good = path.join(dir, 'good.csv');
    const bad = path.join(dir, 'bad.csv');
    await writeFile(good, exportKnowledge(await load(dir), 'csv'));
    await writeFile(bad, csv([scenarioRow('gjj.few', { phrasings: '一句' }), subRow('gjj.x.y', 'gjj.x')]));
    const files = await snapshot(dir);

    const outDir = await mkdtemp(path.join(tmpdir(), 'kb-transfer-out-'));
    dirs.push(outDir);
    const out = path.join(outDir, 'kb.json');
    const [exported, imported, refused, unknown, badFormat] = await Promise.all([
      kb('export', '--out', out, '--dir', dir),
      kb('import', good, '--dir', dir, '--dry-run'),
      kb('import', bad, '--dir', dir),
      kb('publish', '--dir', dir),
      kb('import', good, '--format', 'xml', '--dir', dir),
    ]);

    expect(exported.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ format: TRANSFER_FORMAT }); // the format follows --out's extension
    expect(imported).toMatchObject({ code: 0, stdout: 'dry run: 0 added, 0 replaced, 3 unchanged; no file changes\n' });
    expect(refused.code).toBe(1);
    expect(stderrLines(refused)).toEqual([
      'bad.csv: row 2, column phrasings: give at least 6 ways a caller says it',
      'bad.csv: row 3, column parent: no scenario "gjj.x" in this import or in the knowledge base',
      `2 problem(s) importing ${bad}; nothing was changed`,
    ]);
    for (const run of [unknown, badFormat]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('usage:');
    }
    expect(await snapshot(dir)).toEqual(files);
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kb(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'server/cli/kb.ts', ...args], { cwd: REPO });
    const run: Run = { code: null, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...run, code }));
  });
}

/** What the CLI printed, without npm's own warnings. */
const stderrLines = (run: Run) => run.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn'));
