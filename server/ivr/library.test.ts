import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { FlowLibrary } from './library.ts';

const MAIN = new URL('../../flows/main.json', import.meta.url);

describe('flow library', () => {
  let dir: string;
  let library: FlowLibrary;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flows-'));
    await copyFile(MAIN, path.join(dir, 'main.json'));
    library = new FlowLibrary(dir, silentLogger);
  });
  afterEach(async () => {
    library.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps serving the last good version when an edit breaks the file', async () => {
    await library.load();
    const good = library.get('main')!;
    await writeFile(path.join(dir, 'main.json'), '{ "start": "welcome", ');
    const report = await library.reload();
    expect(report.errors[0]!.message).toMatch(/^main\.json: not valid JSON/);
    expect(library.get('main')).toBe(good);
  });

  it('takes a good edit without a restart when watching', async () => {
    await library.load();
    library.watch();
    const json = JSON.parse(await readFile(MAIN, 'utf8'));
    json.nodes.welcome.text = '您好，这里是12345热线测试欢迎语。';
    await writeFile(path.join(dir, 'main.json'), JSON.stringify(json));
    const deadline = Date.now() + 5000;
    while (library.get('main')!.nodes['welcome']?.['text'] !== json.nodes.welcome.text) {
      if (Date.now() > deadline) throw new Error('the edit was not picked up');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('refuses to boot without a good main flow, naming the problem', async () => {
    await writeFile(path.join(dir, 'main.json'), JSON.stringify({ start: 'a', fallback: 'a', nodes: { a: { type: 'say', text: 'x' } } }));
    await expect(library.load()).rejects.toThrow(/main\.json › node "a" › next/);
  });

  it('loads other flows beside main and reports a bad one without losing the good', async () => {
    await writeFile(path.join(dir, 'night.json'), JSON.stringify({ start: 'closed', fallback: 'closed', nodes: { closed: { type: 'hangup', text: '夜间服务已结束。' } } }));
    await writeFile(path.join(dir, 'Bad Name.json'), '{}');
    const report = await library.load();
    expect(report.loaded.sort()).toEqual(['main', 'night']);
    expect(report.errors.map((e) => e.file)).toEqual(['Bad Name.json']);
  });
});
