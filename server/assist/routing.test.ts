import { beforeAll, describe, expect, it } from 'vitest';
import { shippedRules } from '../../test/support/rules.ts';
import { compile } from './rules/compiled.ts';
import type { Rules } from './rules/library.ts';
import { examplesFileSchema } from './rules/schema.ts';
import { route } from './routing.ts';
import type { Flag } from './flag.ts';
import type { Suggestion } from './suggestion.ts';

// GIVEN the shipped routing rules, and examples labelled with where such calls were dispatched:
// pigeons kept on a roof to city management, food in small shops to market regulation.
const DISPATCHED = [
  ['楼顶有人养了几十只鸽子，到处是鸽子屎', 'urban_management'],
  ['对面楼顶搭了个鸽子棚，天天一股味', 'urban_management'],
  ['有人在小区楼顶养鸽子，鸽子满天飞', 'urban_management'],
  ['鸽子棚占了楼顶平台，鸽子屎掉我家阳台', 'urban_management'],
  ['小卖部卖的面包过期了', 'market_regulation'],
  ['超市的牛奶过期了还在卖', 'market_regulation'],
  ['买的零食过期了好几个月', 'market_regulation'],
  ['店里卖过期的火腿肠', 'market_regulation'],
] as const;

const suggestion = (department: string, score: number): Suggestion => ({
  id: 'x.scenario',
  title: '某个场景',
  domain: 'x',
  department,
  intent: 'consult',
  score,
  matched: [],
  sub: null,
  answer: { summary: '', steps: [], materials: [], conditions: [], contacts: [] } as unknown as Suggestion['answer'],
  spoken: '',
});

describe('routing', () => {
  let shipped: Rules;
  beforeAll(async () => {
    shipped = await shippedRules();
  });
  const withExamples = (labelled: boolean, department = { margin: 0.2, threshold: 0.3 }) =>
    compile({
      ...shipped,
      examples: examplesFileSchema.parse({
        department,
        examples: DISPATCHED.map(([text, d]) => ({ text, ...(labelled ? { department: d } : {}) })),
      }),
    });

  it('sends a request no scenario or rule fits where the dispatched examples went, and says so', () => {
    const routed = route('隔壁楼顶养鸽子，臭死了', [], [], 'complaint', withExamples(true));
    expect(routed.department).toBe('urban_management');
    expect(routed.reason).toMatch(/派单样例，把握\d+%/);
    expect(routed.reason).not.toContain('另一可能');
    // Without labelled examples nothing says where it goes: the operator decides.
    expect(route('隔壁楼顶养鸽子，臭死了', [], [], 'complaint', withExamples(false))).toEqual({ department: null, reason: expect.stringContaining('话务员判断') });
    // Below the file's threshold the learned department is not taken.
    expect(route('隔壁楼顶养鸽子，臭死了', [], [], 'complaint', withExamples(true, { margin: 0.2, threshold: 0.99 })).department).toBeNull();
  });

  it("takes the examples' department over the proposed one only when more likely by the margin, and shows the other", () => {
    const rules = withExamples(true);
    // A scenario of a department the examples give little chance here gives way, and is shown as the other possibility …
    const overruled = route('小卖部的面包过期了', [suggestion('urban_management', 0.95)], [], 'complaint', rules);
    expect(overruled.department).toBe('market_regulation');
    expect(overruled.reason).toMatch(/派单样例.*另一可能：知识库场景“某个场景”的责任部门/);
    // … not under a margin nobody can beat, nor when the examples agree.
    expect(route('小卖部的面包过期了', [suggestion('urban_management', 0.95)], [], 'complaint', withExamples(true, { margin: 1, threshold: 0.05 }))).toMatchObject({ department: 'urban_management', reason: expect.stringContaining('知识库场景') });
    expect(route('小卖部的面包过期了', [suggestion('market_regulation', 0.6)], [], 'complaint', rules).reason).toContain('知识库场景');
    // A weak candidate gives way to a likelier learned department at any margin.
    expect(route('小卖部的面包过期了', [suggestion('urban_management', 0.3)], [], 'complaint', withExamples(true, { margin: 1, threshold: 0.05 })).department).toBe('market_regulation');
    // A department no example teaches is not overruled, however sure the examples are of another.
    expect(route('小卖部的面包过期了', [suggestion('power_grid', 0.6)], [], 'complaint', rules).department).toBe('power_grid');
    // An emergency is never rerouted.
    const fire = { kind: 'urgent', category: 'emergency', referral: 'emergency' } as unknown as Flag;
    expect(route('小卖部的面包过期了，店里着火了', [], [fire], 'report', rules).department).toBe('emergency');
    // Nor does a call go to 110/119/120 on what the examples learned: only an urgent flag sends it there.
    const alarmed = compile({ ...shipped, examples: examplesFileSchema.parse({ examples: [...DISPATCHED.map(([text, d]) => ({ text, department: d })), ...['厨房着火了快来人', '楼道里着火了', '家里着火了，烟好大'].map((text) => ({ text, department: 'emergency' }))] }) });
    expect(route('楼道里电动车充电，我怕哪天着火', [], [], 'report', alarmed).department).not.toBe('emergency');
    // Examples that never went to a department cannot speak against it: aircraft noise stays civil aviation's.
    expect(route('飞机从小区上面飞过去噪音太大', [], [], 'complaint', rules).department).toBe('civil_aviation');
  });
});
