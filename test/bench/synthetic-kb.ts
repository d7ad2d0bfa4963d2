import type { KbScenario, KnowledgeBase } from '../../server/knowledge/knowledge-base.ts';
import { scenarioSchema, type Answer, type ScenarioInput, type SubScenario } from '../../server/knowledge/schema.ts';

/**
 * A city-sized knowledge base made from the shipped one, for benchmarks. Each synthetic
 * scenario is a real scenario localised to a district, with a couple of its domain
 * siblings' phrasings mixed in; its sub-scenarios are that scenario's and its siblings'
 * sub-scenarios, each titled for a district, a street, an estate or an organisation (or
 * none), its phrasings set in a place (小区 → 金桂小区, new numbers). Names are built from
 * character pools, so the vocabulary grows with the size the way a real city's does, while
 * the service words (公积金, 路灯…) keep realistic posting-list lengths. Deterministic for a
 * given seed.
 *
 * @example
 * ```ts
 * const { kb, places } = syntheticKnowledgeBase(real, { subScenarios: 2_600 });
 * kb.scenarios.length; // 260, ids like 'syn17.streetlight', subs 'syn17.streetlight.not_on_0'
 * ```
 */
export interface SyntheticOptions {
  readonly subScenarios: number;
  readonly subsPerScenario?: number;
  readonly seed?: number;
}

/** Where a sub-scenario (or a caller) is: the names its text was localised with. */
export interface Place {
  readonly district: string;
  readonly street: string;
  readonly estate: string;
  readonly road: string;
  readonly org: string;
}

export interface SyntheticKnowledge {
  readonly kb: KnowledgeBase;
  /** One per sub-scenario, for queries that mention the knowledge base's own places. */
  readonly places: readonly Place[];
}

/** Small, fast, seedable (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

// Characters common in Chinese place and business names; two make a name stem (~25,000 stems).
const STEM_CHARS = [
  ...new Set(
    '东西南北中新华安平和康宁泰丰盛兴永长青白金龙凤云山水湖江河海阳明光文武德仁义福寿嘉庆宝春秋松柏桂兰梅竹石桥港湾塘沙林园岭坪溪泉峰岩浦渡湘汉秦晋鲁豫川闽粤桃李杏荷菊枫柳杨槐樱星月辰曙晨昌盈鑫瑞祥吉利顺达通汇源洋滨坊苑庭府锦绣翠碧蓝红紫黄绿珠玉银铜鹤鹰燕雁鹏麒麟桐梧茶棠芙蓉茂森晖耀旭升腾飞远航启智慧诚信博雅鼎恒泰隆昇宏伟宇天地乾坤岳峻崇高翔凯旋胜利民生乐善美好',
  ),
];

/** Names of one kind; a new one with probability `fresh`, else a popular existing one. */
class NamePool {
  private readonly used = new Set<string>();
  private readonly names: string[] = [];

  constructor(
    private readonly rng: () => number,
    private readonly fresh: number,
  ) {}

  next(): string {
    const full = this.used.size > STEM_CHARS.length ** 2 * 0.6;
    if (this.names.length && (full || this.rng() > this.fresh)) return this.names[Math.floor(this.names.length * this.rng() ** 2)]!;
    for (;;) {
      const stem = pick(this.rng, STEM_CHARS) + pick(this.rng, STEM_CHARS);
      if (this.used.has(stem)) continue;
      this.used.add(stem);
      this.names.push(stem);
      return stem;
    }
  }
}

// The kind of organisation callers of each domain name; the rest say 公司 or 服务中心.
const ORG_KINDS: Record<string, readonly string[]> = {
  住房物业: ['物业公司', '置业公司', '房地产开发公司'],
  住房公积金: ['置业公司', '房地产开发公司'],
  卫生健康: ['医院', '社区卫生服务中心', '诊所'],
  医疗保障: ['医院', '大药房', '社区卫生服务中心'],
  教育: ['小学', '中学', '幼儿园', '培训学校'],
  交通出行: ['公交公司', '驾校', '停车场', '出租汽车公司'],
  水电燃气: ['燃气公司', '供水公司', '供电所'],
  消费维权: ['超市', '商场', '健身房', '电器商行'],
  劳动就业: ['建筑公司', '劳务公司', '餐饮公司', '电子厂'],
  企业开办: ['商贸公司', '科技公司', '个体店'],
};
const DEFAULT_ORG_KINDS = ['公司', '服务中心'];

/**
 * Generic places in a caller's words, made specific (小区 → 金桂小区). Each applies once;
 * the first match of each is replaced.
 */
const RULES: readonly [RegExp, (p: Place, match: string) => string][] = [
  [/示例市/, (p) => p.district],
  [/小区/, (p) => `${p.estate}小区`],
  [/这条路|那条路|那段路|马路/, (p) => `${p.road}路`],
  [/物业/, (p) => `${p.org.slice(0, 2)}物业`],
  [/医院|学校|超市|商场|驾校/, (p, m) => `${p.org.slice(0, 2)}${m}`],
  [/公司/, (p) => `${p.org.slice(0, 2)}公司`],
];
/**
 * What a sub-scenario is local to, as its title and keywords say: a district, a street,
 * an estate, an organisation, or (a fifth of them) nowhere in particular.
 */
const SCOPES: readonly ((title: string, p: Place) => [string, string[]])[] = [
  (t, p) => [`${p.district}${t}`, [p.district]],
  (t, p) => [`${p.street}街道${t}`, [`${p.street}街道`]],
  (t, p) => [`${t}（${p.estate}小区）`, [`${p.estate}小区`]],
  (t, p) => [`${t}（${p.org}）`, [p.org]],
  (t) => [t, []],
];
/** Ways a caller says where they are, for words that name no place. */
const FRAMES: readonly ((p: Place, n: string) => string)[] = [
  (p) => `我是${p.district}${p.street}街道的，`,
  (p) => `我住${p.estate}小区，`,
  (p, n) => `，就在${p.road}路${n}号附近`,
  (p) => `${p.district}这边，`,
  (p) => `，${p.org}那里`,
];
// Numbers everyone dials keep their digits.
const KEEP_NUMBER = /^(12345|12315|12333|12329|110|119|120|122)$/;

/** The caller's words with this place's names (and other numbers) in them; `mention` forces a place in. */
export function localize(text: string, place: Place, rng: () => number, mention = false): string {
  let out = text.replace(/\d+/g, (d) => (KEEP_NUMBER.test(d) ? d : digits(rng, d.length)));
  let named = false;
  for (const [pattern, replace] of RULES) {
    out = out.replace(pattern, (m) => {
      named = true;
      return replace(place, m);
    });
  }
  if (named || (!mention && rng() < 0.7)) return out;
  const frame = pick(rng, FRAMES)(place, digits(rng, 1 + Math.floor(rng() * 3)));
  return frame.startsWith('，') ? out + frame : frame + out;
}

function digits(rng: () => number, n: number): string {
  let out = String(1 + Math.floor(rng() * 9));
  while (out.length < n) out += String(Math.floor(rng() * 10));
  return out;
}

function localizeAnswer(answer: Answer, district: string): Answer {
  return Object.fromEntries(Object.entries(answer).map(([k, points]) => [k, points?.map((p) => p.replaceAll('示例市', district))])) as Answer;
}

function shuffled<T>(rng: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function syntheticKnowledgeBase(real: KnowledgeBase, options: SyntheticOptions): SyntheticKnowledge {
  const rng = seededRandom(options.seed ?? 12345);
  const perScenario = options.subsPerScenario ?? 10;
  const scenarioCount = Math.ceil(options.subScenarios / perScenario);
  const templates = shuffled(rng, real.scenarios.filter((s) => s.status === 'active'));
  const byDomain = new Map<string, KbScenario[]>();
  for (const s of templates) byDomain.set(s.domain, [...(byDomain.get(s.domain) ?? []), s]);
  // A city of a few hundred scenarios has a dozen districts; a province-wide one has counties.
  const districtPool = new NamePool(rng, 1);
  const districts = Array.from({ length: Math.min(150, Math.max(8, Math.round(scenarioCount / 25))) }, (_, i) => districtPool.next() + (i % 4 === 3 ? '县' : '区'));
  const pools = { street: new NamePool(rng, 0.5), estate: new NamePool(rng, 0.7), road: new NamePool(rng, 0.6), org: new NamePool(rng, 0.7) };
  const schema = scenarioSchema(new Set(real.departments.keys()));
  const scenarios: KbScenario[] = [];
  const places: Place[] = [];

  for (let n = 0; places.length < options.subScenarios; n++) {
    const template = templates[n % templates.length]!;
    const siblings = (byDomain.get(template.domain) ?? []).filter((s) => s !== template);
    const district = pick(rng, districts);
    const orgKinds = ORG_KINDS[template.domain] ?? DEFAULT_ORG_KINDS;
    const placeIn = (): Place => ({ district, street: pools.street.next(), estate: pools.estate.next(), road: pools.road.next(), org: pools.org.next() + pick(rng, orgKinds) });
    const id = `syn${n}.${template.id.split('.')[1]}`;

    // The template's own sub-scenarios first, then its domain siblings', each in a new place.
    const sources: { sub: SubScenario; owner: KbScenario }[] = [];
    for (const owner of [template, ...shuffled(rng, siblings)]) for (const sub of owner.subScenarios) if (sub.status === 'active') sources.push({ sub, owner });
    if (!sources.length) throw new Error(`no sub-scenarios in domain ${template.domain} to make synthetic ones from`);
    const subScenarios = Array.from({ length: Math.min(perScenario, options.subScenarios - places.length) }, (_, k) => {
      const { sub, owner } = sources[k % sources.length]!;
      const place = placeIn();
      places.push(place);
      const phrasings = [...sub.phrasings.slice(0, 3), ...shuffled(rng, owner.phrasings)].slice(0, 3);
      const [title, local] = pick(rng, SCOPES)(sub.title, place);
      const road = rng() < 0.3 ? [`${place.road}路`] : [];
      return {
        id: `${id}.${sub.id.split('.')[2]}_${k}`,
        title,
        keywords: [...new Set([...sub.keywords, ...local, ...road])].slice(0, 40),
        phrasings: phrasings.map((p) => localize(p, place, rng)),
        answer: localizeAnswer(sub.answer, district),
        spoken: sub.spoken.replaceAll('示例市', district),
      };
    });

    const place = placeIn();
    const borrowed = siblings.length ? shuffled(rng, pick(rng, siblings).phrasings).slice(0, 2) : [];
    const input: ScenarioInput = {
      id,
      title: `${district}${template.title}`,
      department: template.department,
      intent: template.intent,
      keywords: [...new Set([district, ...template.keywords])].slice(0, 60),
      synonyms: { ...template.synonyms, [district]: [district.slice(0, 2)] },
      phrasings: [...template.phrasings, ...borrowed].map((p) => localize(p, place, rng)),
      answer: localizeAnswer(template.answer, district),
      spoken: template.spoken.replaceAll('示例市', district),
      subScenarios,
    };
    const parsed = schema.safeParse(input);
    if (!parsed.success) throw new Error(`synthetic scenario ${id}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    scenarios.push({ ...parsed.data, domain: template.domain, file: `synthetic/${template.file}`, sample: true });
  }
  // Synonyms, stopwords, departments and calibration are the real knowledge base's.
  return { kb: { ...real, scenarios }, places };
}
