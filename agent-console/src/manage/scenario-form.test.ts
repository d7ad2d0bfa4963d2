import { describe, expect, it } from 'vitest';
import { fieldProblems, fromForm, parseSynonyms, toForm, type ScenarioDoc } from './scenario-form.ts';

const scenario: ScenarioDoc = {
  id: 'gjj.withdraw_rent',
  title: '租房提取住房公积金',
  department: 'housing_fund',
  intent: 'consult',
  keywords: ['租房', '房租'],
  synonyms: { 租房: ['租房子', '租住'] },
  phrasings: ['一', '二', '三', '四', '五', '六'],
  answer: { conditions: ['无自有住房'], materials: ['身份证', '无房证明'] },
  spoken: '租房提取公积金……',
  subScenarios: [{ id: 'gjj.withdraw_rent.monthly' }],
  status: 'active',
  domain: '住房公积金',
  file: 'scenarios/gjj.yaml',
  sample: true,
};

describe('the scenario form', () => {
  it('round-trips a scenario: lists one per line, where it lives left out, sub-scenarios as they came', () => {
    const form = toForm(scenario);
    expect(form.phrasings).toBe('一\n二\n三\n四\n五\n六');
    expect(form.synonyms).toBe('租房: 租房子, 租住');
    expect(form.answer.materials).toBe('身份证\n无房证明');
    expect(form.answer.basis).toBe('');
    const body = fromForm(form, scenario);
    const { domain: _d, file: _f, sample: _s, ...stored } = scenario;
    expect(body).toEqual(stored);
  });

  it('takes edits: blank lines dropped, empty answer parts left out, text trimmed', () => {
    const form = toForm(scenario);
    form.phrasings += '\n\n  七  \n';
    form.answer.materials = '';
    form.answer.basis = '《条例》第二十四条';
    form.title = '  新标题 ';
    const body = fromForm(form, scenario);
    expect(body['phrasings']).toEqual(['一', '二', '三', '四', '五', '六', '七']);
    expect(body['answer']).toEqual({ conditions: ['无自有住房'], basis: ['《条例》第二十四条'] });
    expect(body['title']).toBe('新标题');
  });

  it('reads synonym lines with either colon and any comma', () => {
    expect(parseSynonyms('租房：租房子，租住、住出租屋\n提取: 取钱\n\n单词')).toEqual({ 租房: ['租房子', '租住', '住出租屋'], 提取: ['取钱'], 单词: [] });
  });

  it('puts each problem beside its field, naming the item of a list', () => {
    const byField = fieldProblems([
      { field: 'phrasings', path: ['phrasings'], problem: 'give at least 6 ways a caller says it' },
      { field: 'answer.conditions.0', path: ['answer', 'conditions', 0], problem: 'must not be empty' },
      { field: 'keywords.2', problem: 'at most 200 characters' },
      { field: 'answer', path: ['answer'], problem: 'give at least one of conditions, …' },
      { field: '(root)', path: [], problem: 'the scenario is not valid' },
      { field: 'scenarios[3] (gjj.loan) › phrasings', problem: 'the id is already used', file: 'scenarios/gjj.yaml' },
    ]);
    expect(byField.get('phrasings')).toEqual([{ item: null, problem: 'give at least 6 ways a caller says it' }]);
    expect(byField.get('answer.conditions')).toEqual([{ item: 1, problem: 'must not be empty' }]);
    expect(byField.get('keywords')).toEqual([{ item: 3, problem: 'at most 200 characters' }]);
    expect(byField.get('answer')).toHaveLength(1);
    expect(byField.get('form')!.map((m) => m.problem)).toEqual(['the scenario is not valid', 'scenarios[3] (gjj.loan) › phrasings: the id is already used']);
  });
});
