import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExampleModel } from './example-model.ts';
import { examplesFileSchema, type LearnedFlag } from './schema.ts';

const examples = (list: [string, LearnedFlag[]][], threshold = 0.5) =>
  examplesFileSchema.parse({ threshold, examples: list.map(([text, flags]) => ({ text, flags })) });

// GIVEN a few threats said without any textbook word, and ordinary requests as counter-examples.
const SOURCE = examples([
  ['你等着，下了班别让我碰见', ['abuse.threat']],
  ['我知道你在哪上班，别让我碰见你', ['abuse.threat']],
  ['下班路上别让我碰见，不然有你好受的', ['abuse.threat']],
  ['出门小心点，别让我在路上碰见', ['abuse.threat']],
  ['社保卡丢了怎么补办', []],
  ['公积金租房提取要带什么材料', []],
  ['下了班几点还能去窗口办身份证', []],
  ['路上碰见一个老人摔倒了，我扶起来了，想问问社区有没有补贴', []],
  ['我想问一下医保异地就医怎么备案', []],
  ['小区门口的路灯坏了', []],
]);

describe('ExampleModel', () => {
  it('raises a flag for a way of saying it that no example has word for word, with the words that weighed', () => {
    const model = ExampleModel.train(SOURCE);
    const [judgement] = model.judge('你给我记住，哪天别让我碰见');
    expect(judgement).toMatchObject({ flag: 'abuse.threat' });
    expect(judgement!.probability).toBeGreaterThanOrEqual(0.5);
    // The evidence is the caller's own words, the ones the examples share.
    for (const words of judgement!.evidence) expect('你给我记住，哪天别让我碰见').toContain(words);
    expect(judgement!.evidence.join('')).toMatch(/让我|碰见/);
  });

  it('raises nothing for an ordinary request, nor for empty words', () => {
    const model = ExampleModel.train(SOURCE);
    expect(model.judge('身份证丢了下了班去哪补办')).toEqual([]);
    expect(model.judge('')).toEqual([]);
  });

  it('learns the same from the same examples (training is deterministic)', () => {
    const a = ExampleModel.train(SOURCE).judge('别让我碰见你');
    const b = ExampleModel.train(SOURCE).judge('别让我碰见你');
    expect(a).toEqual(b);
  });

  it('trains once per content of the examples: the same examples give the same model, other examples another', () => {
    const model = ExampleModel.for(SOURCE);
    expect(ExampleModel.for(structuredClone(SOURCE))).toBe(model);
    expect(ExampleModel.for({ ...SOURCE, threshold: 0.9 })).not.toBe(model);
  });

  it('raises only at or above the threshold in the file', () => {
    const strict = ExampleModel.train({ ...SOURCE, threshold: 0.99 });
    expect(strict.judge('你给我记住，哪天别让我碰见')).toEqual([]);
  });

  it('hears a homophone or typed pinyin as the word it sounds like', () => {
    // GIVEN insults spelt one way only; WHEN the caller's words sound the same but are written otherwise.
    const model = ExampleModel.train(
      examples([
        ['你是傻逼吧', ['abuse.insult']],
        ['接电话的傻逼', ['abuse.insult']],
        ['傻逼热线', ['abuse.insult']],
        ['社保卡丢了怎么补办', []],
        ['公积金租房提取要带什么材料', []],
        ['小区门口的路灯坏了', []],
        ['我想问一下医保异地就医怎么备案', []],
      ]),
    );
    expect(model.judge('你是沙比吧').map((j) => j.flag)).toEqual(['abuse.insult']);
    expect(model.judge('ni shi sha bi ba').map((j) => j.flag)).toEqual(['abuse.insult']);
  });

  it('learns the kind of request from the examples labelled with one, and says nothing when unsure', () => {
    const labelled = examplesFileSchema.parse({
      threshold: 0.5,
      intentThreshold: 0.6,
      examples: [
        { text: '我要投诉楼下饭店油烟太大', intent: 'complaint' },
        { text: '投诉一下工地半夜还在施工', intent: 'complaint' },
        { text: '我想投诉出租车司机绕路', intent: 'complaint' },
        { text: '请问社保卡怎么补办', intent: 'consult' },
        { text: '请问公积金怎么提取', intent: 'consult' },
        { text: '请问身份证在哪里办', intent: 'consult' },
        { text: '小区门口的路灯坏了', flags: [] },
      ],
    });
    const model = ExampleModel.train(labelled);
    expect(model.intentOf('我要投诉隔壁装修太吵')).toMatchObject({ intent: 'complaint' });
    expect(model.intentOf('请问护照在哪里办')).toMatchObject({ intent: 'consult' });
    expect(ExampleModel.train({ ...labelled, intentThreshold: 0.99 }).intentOf('我要投诉隔壁装修太吵')).toBeNull();
  });

  it('learns where calls were dispatched from the examples labelled with a department, however sure', () => {
    const labelled = examplesFileSchema.parse({
      examples: [
        { text: '楼下烧烤摊的油烟熏得窗户都不敢开', department: 'urban_management' },
        { text: '路边烧烤摊占道经营，一到晚上全是烟', department: 'urban_management' },
        { text: '夜市的烧烤摊把人行道都占了', department: 'urban_management' },
        { text: '饭店后厨的排污管直通雨水井', department: 'eco_environment' },
        { text: '化工厂半夜往河里排黑水', department: 'eco_environment' },
        { text: '厂子烟囱冒黄烟，附近都是刺鼻的味道', department: 'eco_environment' },
        { text: '小区门口的路灯坏了' },
      ],
    });
    const model = ExampleModel.train(labelled);
    expect(model.departmentOf('小区外面的烧烤摊天天占着人行道')).toMatchObject({ department: 'urban_management' });
    expect(model.departmentOf('河边那个厂往河里排污水')).toMatchObject({ department: 'eco_environment' });
    // The bytes keep the departments; examples without any teach none.
    expect(ExampleModel.fromBytes(model.toBytes(), labelled)!.departmentOf('河边那个厂往河里排污水')).toEqual(model.departmentOf('河边那个厂往河里排污水'));
    expect(ExampleModel.train(SOURCE).departmentOf('河边那个厂往河里排污水')).toBeNull();
  });

  it('keeps the trained weights on disk for the next process, and trains again over a corrupt file', () => {
    const trained = ExampleModel.train(SOURCE);
    const words = ['你给我记住，哪天别让我碰见', '社保卡丢了怎么补办'];
    const judged = (m: ExampleModel) => words.map((w) => m.judge(w));
    // Read back, the weights judge as the trained ones; anything else is no model.
    expect(judged(ExampleModel.fromBytes(trained.toBytes(), SOURCE)!)).toEqual(judged(trained));
    const bytes = trained.toBytes();
    expect(ExampleModel.fromBytes(bytes.subarray(0, bytes.length - 4), SOURCE)).toBeNull();
    expect(ExampleModel.fromBytes(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), SOURCE)).toBeNull();
    expect(ExampleModel.fromBytes(null, SOURCE)).toBeNull();

    // GIVEN a cache folder of its own, WHEN a model is asked for, THEN its weights land there …
    const dir = mkdtempSync(path.join(os.tmpdir(), 'examples-cache-'));
    const before = process.env.EXAMPLES_CACHE_DIR;
    process.env.EXAMPLES_CACHE_DIR = dir;
    try {
      const source = { ...SOURCE, threshold: 0.41 };
      const first = ExampleModel.for(source);
      const [file] = readdirSync(dir);
      expect(file).toMatch(/^[0-9a-f]{40}\.model$/);
      // … and another threshold (a new model in memory) reads the same weights from disk.
      const read = ExampleModel.for({ ...source, threshold: 0.42 });
      expect(read).not.toBe(first);
      expect(words.map((w) => read.probabilityOf(w, 'abuse.threat'))).toEqual(words.map((w) => first.probabilityOf(w, 'abuse.threat')));
      // A corrupt file is no model: the examples are trained again and the file written anew.
      writeFileSync(path.join(dir, file!), 'not a model');
      const again = ExampleModel.for({ ...source, threshold: 0.43 });
      expect(words.map((w) => again.probabilityOf(w, 'abuse.threat'))).toEqual(words.map((w) => first.probabilityOf(w, 'abuse.threat')));
      expect(readFileSync(path.join(dir, file!)).length).toBe(trained.toBytes().length);
    } finally {
      if (before === undefined) delete process.env.EXAMPLES_CACHE_DIR;
      else process.env.EXAMPLES_CACHE_DIR = before;
    }
  });
});
