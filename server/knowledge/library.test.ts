import { once } from 'node:events';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { KnowledgeHistory } from './history.ts';
import { KnowledgeEditError, KnowledgeLibrary, type KnowledgeVersion } from './library.ts';
import { dogLicence, KNOWLEDGE_DIR } from '../../test/support/knowledge.ts';

const SHEBAO = 'scenarios/shebao.yaml';
const CARD_TITLE = '    title: 社保卡申领、补换、挂失';


// GIVEN a temporary copy of the shipped knowledge folder, a history file beside it, and one
// library loaded from them. The tests run in order and each leaves a good knowledge base behind.
describe('knowledge library', () => {
  let root: string;
  let dir: string;
  let history: KnowledgeHistory;
  let library: KnowledgeLibrary;
  const read = (file: string) => readFile(path.join(dir, file), 'utf8');
  const write = (file: string, text: string) => writeFile(path.join(dir, file), text);

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'knowledge-library-'));
    dir = path.join(root, 'knowledge');
    await cp(KNOWLEDGE_DIR, dir, { recursive: true });
    history = new KnowledgeHistory(path.join(root, 'data', 'knowledge-history.json'), silentLogger);
    await history.open();
    library = new KnowledgeLibrary(dir, history, silentLogger);
  });
  afterAll(async () => {
    library.close();
    await rm(root, { recursive: true, force: true });
  });

  it('loads the folder as version 1 and finds a scenario by what a caller says', async () => {
    const report = await library.load();
    expect(report).toEqual({ ok: true, version: 1, errors: [] });
    expect(library.current.version).toBe(1);
    expect(library.current.kb.scenarios).toHaveLength(64);
    expect(library.index.search('社保卡丢了怎么补办').suggestions[0]?.id).toBe('shebao.card');
  });

  it('picks up an edit of a YAML file on disk while watching, as a new version', async () => {
    const before = library.current.version;
    library.watch();
    try {
      // WHEN someone changes a title and adds a phrasing in their editor
      const changed = once(library, 'changed', { signal: AbortSignal.timeout(10_000) }) as Promise<[KnowledgeVersion]>;
      const text = await read(SHEBAO);
      expect(text).toContain(CARD_TITLE);
      await write(SHEBAO, text.replace(CARD_TITLE, '    title: 社保卡申领、补换、挂失（已更新）').replace('      - 社保卡丢了\n', '      - 社保卡丢了\n      - 社保卡叫狗叼走了怎么办\n'));
      // THEN the watcher loads it as the next version, and search answers from it
      const [version] = await changed;
      expect(version.version).toBe(before + 1);
      expect(library.current).toBe(version);
      expect(library.scenario('shebao.card')?.phrasings).toContain('社保卡叫狗叼走了怎么办');
      expect(library.index.search('社保卡丢了怎么补办').suggestions[0]).toMatchObject({ id: 'shebao.card', title: '社保卡申领、补换、挂失（已更新）' });
    } finally {
      library.close();
    }
  });

  it('refuses a file with broken YAML syntax, naming file and line, and keeps the last good version', async () => {
    const good = library.current;
    const original = await read(SHEBAO);
    const lines = original.split('\n');
    const at = lines.findIndex((l) => l.startsWith('    title: 社保卡申领')); // 0-based: the line after it is at + 2
    lines.splice(at + 1, 0, '   department: hrss'); // one space short: not part of the scenario's mapping
    await write(SHEBAO, lines.join('\n'));

    const report = await library.reload();
    expect(report.ok).toBe(false);
    expect(report.version).toBe(good.version);
    expect(report.errors[0]).toMatchObject({ file: SHEBAO, line: at + 2 });
    expect(report.errors[0]!.message).toMatch(new RegExp(`^scenarios/shebao\\.yaml:${at + 2}: `));
    expect(library.current).toBe(good);
    expect(library.index.search('社保卡丢了怎么补办').suggestions[0]?.id).toBe('shebao.card');

    await write(SHEBAO, original);
    expect(await library.reload()).toEqual({ ok: true, version: good.version, errors: [] }); // the same content is not a new version
  });

  it('refuses a schema error (an unknown department), naming file, line and field, and keeps the last good version', async () => {
    const good = library.current;
    const original = await read(SHEBAO);
    const lines = original.split('\n');
    const at = lines.findIndex((l, i) => l === '    department: hrss' && lines[i - 2] === '  - id: shebao.card');
    expect(at).toBeGreaterThan(0);
    lines[at] = '    department: no_such_department';
    await write(SHEBAO, lines.join('\n'));

    const report = await library.reload();
    expect(report.ok).toBe(false);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ file: SHEBAO, line: at + 1, problem: expect.stringContaining('departments.tsv') });
    expect(report.errors[0]!.field).toMatch(/^scenarios\[\d+\] \(shebao\.card\) › department$/);
    expect(library.current).toBe(good);
    expect(library.scenario('shebao.card')?.department).toBe('hrss');
    expect(library.index.search('社保卡丢了怎么补办').suggestions[0]?.id).toBe('shebao.card');

    await write(SHEBAO, original);
    expect((await library.reload()).ok).toBe(true);
  });

  it('creates, updates and retires a scenario: each is written to its file, recorded with before and after, and in force on return', async () => {
    const start = library.current.version;
    const question = '我家刚养了一条小狗，狗证要去哪里办';

    // WHEN a scenario of a new domain is created
    const created = await library.save(dogLicence(), { mode: 'create', author: 'tester', domain: '宠物' });
    expect(created).toMatchObject({ id: 'pets.dog_licence', domain: '宠物', file: 'scenarios/pets.yaml', status: 'active', intent: 'consult' });
    expect(library.current.version).toBe(start + 1);
    expect(await read('scenarios/pets.yaml')).toMatch(/^domain: 宠物\n[\s\S]*- id: pets\.dog_licence\n/);
    expect(library.index.search(question).suggestions[0]?.id).toBe('pets.dog_licence');

    // WHEN it is updated
    const updated = await library.save({ ...dogLicence(), title: '养犬登记与年审' }, { mode: 'update', id: 'pets.dog_licence', author: 'tester' });
    expect(updated.title).toBe('养犬登记与年审');
    expect(await read('scenarios/pets.yaml')).toContain('title: 养犬登记与年审');
    expect(library.index.search(question).suggestions[0]).toMatchObject({ id: 'pets.dog_licence', title: '养犬登记与年审' });

    // WHEN it is retired
    const retired = await library.retire('pets.dog_licence', 'tester');
    expect(retired.status).toBe('retired');
    expect(await read('scenarios/pets.yaml')).toContain('status: retired');
    expect(library.scenario('pets.dog_licence')?.status).toBe('retired'); // kept in the file…
    expect(library.index.search(question).suggestions.map((s) => s.id)).not.toContain('pets.dog_licence'); // …no longer suggested
    expect(await library.retire('pets.dog_licence', 'tester')).toMatchObject({ status: 'retired' }); // retiring twice changes nothing
    expect(library.current.version).toBe(start + 3);

    // THEN the history has the three changes, each with the scenario before and after
    const changes = history.list('pets.dog_licence');
    expect(changes.map((c) => [c.change, c.action, c.author])).toEqual([[1, 'create', 'tester'], [2, 'update', 'tester'], [3, 'retire', 'tester']]);
    expect(changes[0]).toMatchObject({ before: null, after: { id: 'pets.dog_licence', title: '养犬登记办理' } });
    expect(changes[1]).toMatchObject({ before: { title: '养犬登记办理' }, after: { title: '养犬登记与年审' } });
    expect(changes[2]).toMatchObject({ before: { status: 'active' }, after: { status: 'retired' } });
    expect(changes[0]!.after).not.toHaveProperty('file'); // the scenario as stored, not where it came from
    const onDisk = JSON.parse(await readFile(path.join(root, 'data', 'knowledge-history.json'), 'utf8'));
    expect(onDisk.changes).toHaveLength(3);
  });

  it('rewrites a domain file without changing its other scenarios', async () => {
    const others = library.current.kb.scenarios.filter((s) => s.file === SHEBAO && s.id !== 'shebao.card');
    const card = library.scenario('shebao.card')!;
    const { domain: _d, file: _f, sample: _s, ...input } = card;
    await library.save({ ...input, title: '社保卡办理' }, { mode: 'update', id: 'shebao.card', author: 'tester' });
    expect(await read(SHEBAO)).toMatch(/^# 样例政策/); // the sample banner stays
    expect(library.scenario('shebao.card')?.title).toBe('社保卡办理');
    expect(library.current.kb.scenarios.filter((s) => s.file === SHEBAO && s.id !== 'shebao.card')).toEqual(others);
  });

  it('refuses edits it cannot apply: 409 for a duplicate, 404 for a missing id, 400 naming the fields', async () => {
    const good = library.current;
    const refusal = (work: Promise<unknown>) => work.then(() => expect.fail('expected a KnowledgeEditError'), (error: unknown) => {
      expect(error).toBeInstanceOf(KnowledgeEditError);
      return error as KnowledgeEditError;
    });

    expect((await refusal(library.save({ ...dogLicence(), id: 'shebao.card' }, { mode: 'create', author: 'tester' }))).status).toBe(409);
    expect((await refusal(library.save({ ...dogLicence(), id: 'pets.no_such' }, { mode: 'update', id: 'pets.no_such', author: 'tester' }))).status).toBe(404);
    expect((await refusal(library.retire('pets.no_such', 'tester'))).status).toBe(404);
    expect((await refusal(library.save(dogLicence(), { mode: 'update', id: 'pets.other', author: 'tester' }))).status).toBe(400);

    const invalid = await refusal(library.save({ ...dogLicence(), id: 'pets.cat', department: 'no_such_department', phrasings: ['就一句'], spoken: '' }, { mode: 'create', author: 'tester' }));
    expect(invalid.status).toBe(400);
    expect(invalid.problems.map((p) => p.field).sort()).toEqual(['department', 'phrasings', 'spoken']);

    expect(library.current).toBe(good);
    expect(await readdir(path.join(dir, 'scenarios'))).not.toContain('cat.yaml');
    expect(history.list().filter((c) => c.id === 'shebao.card' || c.id.startsWith('pets.')).map((c) => c.action)).toEqual(['create', 'update', 'retire', 'update']);
  });

  it('refuses an edit the knowledge base would not load with, and leaves its file as it was', async () => {
    // GIVEN another domain file broken by hand (refused, so the last good version is in force)
    const good = library.current;
    const gjj = await read('scenarios/gjj.yaml');
    await write('scenarios/gjj.yaml', `${gjj}  - id: [broken\n`);
    expect((await library.reload()).ok).toBe(false);
    const pets = await read('scenarios/pets.yaml');
    // WHEN an edit is saved
    const error = await library.save({ ...dogLicence(), title: '养犬登记（新）' }, { mode: 'update', id: 'pets.dog_licence', author: 'tester' }).catch((e: unknown) => e);
    // THEN it is refused with the problems that stop the load, and nothing changed
    expect(error).toBeInstanceOf(KnowledgeEditError);
    expect((error as KnowledgeEditError).status).toBe(400);
    expect((error as KnowledgeEditError).problems[0]?.file).toBe('scenarios/gjj.yaml');
    expect(await read('scenarios/pets.yaml')).toBe(pets);
    expect(library.current).toBe(good);
    await write('scenarios/gjj.yaml', gjj);
    expect((await library.reload()).ok).toBe(true);
  });

  it('takes a department added to departments.tsv by hand, so edits may name it', async () => {
    const tsv = await read('departments.tsv');
    await write('departments.tsv', `${tsv.trimEnd()}\nanimal_control\t畜牧兽医局\t犬只管理、动物防疫\n`);
    expect((await library.reload()).ok).toBe(true);
    expect(library.current.kb.departments.get('animal_control')?.name).toBe('畜牧兽医局');
    const saved = await library.save({ ...dogLicence(), department: 'animal_control' }, { mode: 'update', id: 'pets.dog_licence', author: 'tester' });
    expect(saved.department).toBe('animal_control');
  });

  it('has an edit in force when save returns, even when a reload was already under way', async () => {
    // GIVEN a reload in progress (a hand edit building a new index)
    const text = await read(SHEBAO);
    await write(SHEBAO, text.replace('title: 社保卡办理', 'title: 社保卡办理（手改）'));
    const handEdit = library.reload();
    // WHEN an edit is saved through the library meanwhile, to the first file a reload reads
    const saved = await library.save({ ...dogLicence(), id: 'biz.pet_shop', title: '开宠物店办证', department: 'market_regulation' }, { mode: 'create', author: 'tester' });
    // THEN it is in force when save returns, along with the hand edit
    expect(saved).toMatchObject({ id: 'biz.pet_shop', title: '开宠物店办证', file: 'scenarios/biz.yaml' });
    expect(library.scenario('biz.pet_shop')).toBeDefined();
    expect((await handEdit).ok).toBe(true);
    expect(library.scenario('shebao.card')?.title).toBe('社保卡办理（手改）');
  });
});

describe('knowledge history', () => {
  it('moves a history file it cannot read aside and starts a new one', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'knowledge-history-'));
    try {
      // GIVEN a history file cut off in the middle of a write
      const file = path.join(root, 'knowledge-history.json');
      const garbage = '{"version":1,"changes":[{"change":1,"id":"gjj.lo';
      await writeFile(file, garbage);
      // WHEN it is opened
      const history = new KnowledgeHistory(file, silentLogger);
      await history.open();
      // THEN the old file is kept aside, untouched, and a new history starts at change 1
      const aside = (await readdir(root)).filter((f) => /^knowledge-history\.json\.corrupt-\d+$/.test(f));
      expect(aside).toHaveLength(1);
      expect(await readFile(path.join(root, aside[0]!), 'utf8')).toBe(garbage);
      expect(history.list()).toEqual([]);
      const entry = await history.record({ action: 'retire', id: 'gjj.loan', author: 'tester', before: null, after: null });
      expect(entry.change).toBe(1);
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, changes: [{ change: 1, id: 'gjj.loan', action: 'retire' }] });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('moves aside a file that is JSON but not a history', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'knowledge-history-'));
    try {
      const file = path.join(root, 'knowledge-history.json');
      await writeFile(file, JSON.stringify({ calls: [] }));
      const history = new KnowledgeHistory(file, silentLogger);
      await history.open();
      expect((await readdir(root)).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
      expect(history.list()).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
