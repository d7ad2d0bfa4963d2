import type { Answer, SubScenario } from '../knowledge/schema.ts';
import { activeScenarios, type KbScenario, type KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { Analyzer, type AnalyzedText } from './analyzer.ts';
import { Bm25Index, TermSums, Vocabulary } from './bm25.ts';
import { wordPinyin } from './pinyin.ts';
import { confidence, DEFAULT_CALIBRATION, type Calibration, type Evidence } from './confidence.ts';
import type { SearchResult, Suggestion } from './suggestion.ts';

/**
 * The searchable form of one knowledge-base version. Each active scenario is a document
 * of two fields (its topic; what callers say), each phrasing is a document of its own
 * (the nearest one counts), and a scenario's sub-scenarios get a small index of their own
 * to say which variant of the answer fits. Built once per version, off the live path,
 * and then only read.
 *
 * @example
 * ```ts
 * const index = KnowledgeIndex.build(kb);
 * index.search('租房子能不能取公积金').suggestions[0]; // {id: 'gjj.withdraw_rent', score: 0.93, …}
 * ```
 */

/** How much a match of each kind of term counts: whole words most, homophone pinyin least. */
const TERM_WEIGHTS: Record<string, number> = { w: 1, b: 0.45, p: 0.3 };
/**
 * A word the knowledge base lacks that sounds exactly like one it has (低包 ~ 低保, 洛户 ~
 * 落户) is most likely a recognition error: it counts as that word, a little less. The
 * same for a character bigram heard wrong inside a longer word.
 */
const HOMOPHONE_WEIGHT = 0.8;
/**
 * A scenario is two fields, each its own BM25 index: its topic (title, keywords,
 * synonyms — short, so one match counts fully) and what callers say (phrasings — long,
 * so a word every phrasing repeats does not drown the others). Within a field, weights
 * say how much each part counts; `FIELD_MIX` how much each field counts.
 */
const TOPIC_WEIGHTS = { title: 2, keywords: 1, subTitle: 1, subKeywords: 0.5 } as const;
const SAID_WEIGHTS = { phrasings: 1, subPhrasings: 0.7 } as const;
const FIELD_MIX = { topic: 1.3, said: 1 } as const;
/**
 * Each phrasing is also a document of its own, and a scenario gains its closest
 * phrasing's score times this: a caller who says it the way a phrasing does is likely
 * asking that, even when the words are common elsewhere (居住证 is in many answers).
 */
const PHRASING_MIX = 0.5;
/** Sub-scenarios are told apart by one index over their own title, keywords and phrasings. */
const SUB_WEIGHTS = { title: 3, keywords: 2, phrasings: 1 } as const;
/** Recognisers take a bounded phrase list (Azure and Twilio both document ~500 entries). */
const MAX_PHRASES = 500;
const MAX_PHRASE_CHARS = 50;
/** Candidates ranked fully; the rest of the postings' documents are only summed. */
const CANDIDATES = 20;

/** A text's terms as numbers of the index's vocabulary, with their counts. */
interface Interned {
  readonly ids: Int32Array;
  readonly counts: Float32Array;
}

const W = 'w'.charCodeAt(0);

/** A sub-scenario is chosen only when it beats its siblings by this factor. */
const SUB_LEAD = 1.3;

interface Doc {
  readonly scenario: KbScenario;
  /** Its active sub-scenarios; the index over them is built the first time the scenario is suggested. */
  readonly subs: { index: Bm25Index | null; readonly docs: readonly SubDoc[] } | null;
  /** The term numbers of its words (canonical), for naming what matched. */
  readonly words: ReadonlySet<number>;
}

interface SubDoc {
  readonly source: SubScenario;
  readonly id: string;
  readonly title: string;
  readonly answer: Answer;
  readonly spoken: string;
}

export interface IndexOptions {
  /** Overrides the knowledge base's own calibration (`kb -- calibrate` fits one without it). */
  readonly calibration?: Calibration;
  /** Below this (the top three scores together) nothing is suggested: "nothing fits". */
  readonly threshold?: number;
}

export const DEFAULT_THRESHOLD = 0.35;
/** A shown list leaves out candidates this unlikely. */
const MIN_SHOWN_SCORE = 0.05;

export class KnowledgeIndex {
  private readonly docs: Doc[] = [];
  private subCount = 0;
  /** A build's analyses, by text, as term numbers: a sub-scenario's words count in two indexes and are read once. */
  private memo: Map<string, Interned> | null = new Map();
  private readonly vocabulary = new Vocabulary();
  private readonly topic = new Bm25Index(this.vocabulary);
  private readonly said = new Bm25Index(this.vocabulary);
  private readonly phrasings = new Bm25Index(this.vocabulary);
  /** Per-term sums for the scenario being added (dense by term number, reset after each). */
  private readonly topicSums = new TermSums();
  private readonly saidSums = new TermSums();
  private phrasingOwners: number[] | Int32Array = [];
  private phrasingScores = new Float64Array(0);
  private nearest = new Float64Array(0);
  /** Pinyin of a word → the knowledge base's most common word with that sound. */
  private readonly soundsLike = new Map<string, { word: string; df: number }>();
  private scores = new Float64Array(0);
  private covered = new Float64Array(0);
  private stamps = new Int32Array(0);
  private stamp = 0;
  readonly threshold: number;
  private readonly calibration: Calibration;
  /** The knowledge base's own terms, titles first: recognition hints. */
  private terms: string[] = [];
  private hintText = '';

  private constructor(
    readonly analyzer: Analyzer,
    options: IndexOptions,
  ) {
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.calibration = options.calibration ?? DEFAULT_CALIBRATION;
  }

  /** Builds the index in one go (tools and tests). */
  static build(kb: KnowledgeBase, options: IndexOptions = {}): KnowledgeIndex {
    const { index, scenarios } = KnowledgeIndex.prepare(kb, options);
    for (const s of scenarios) index.addScenario(s);
    return index.finish();
  }

  /** Builds the index a slice at a time, letting live calls' audio through between slices. */
  static async buildAsync(kb: KnowledgeBase, options: IndexOptions = {}): Promise<KnowledgeIndex> {
    const { index, scenarios } = KnowledgeIndex.prepare(kb, options);
    let sliceStarted = performance.now();
    for (const s of scenarios) {
      index.addScenario(s);
      if (performance.now() - sliceStarted > 20) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStarted = performance.now();
      }
    }
    return index.finish();
  }

  private static prepare(kb: KnowledgeBase, options: IndexOptions): { index: KnowledgeIndex; scenarios: KbScenario[] } {
    const scenarios = activeScenarios(kb);
    // The knowledge base's own terms, most used first (they lead the recognisers' hint lists).
    const uses = new Map<string, number>();
    const use = (word: string) => uses.set(word, (uses.get(word) ?? 0) + 1);
    for (const s of scenarios) {
      s.keywords.forEach(use);
      for (const [k, alternatives] of Object.entries(s.synonyms)) [k, ...alternatives].forEach(use);
      for (const sub of s.subScenarios) sub.keywords.forEach(use);
    }
    const userWords = [...uses.keys()].sort((a, b) => uses.get(b)! - uses.get(a)!);
    const index = new KnowledgeIndex(new Analyzer({ userWords, synonyms: kb.synonyms, stopwords: kb.stopwords }), {
      ...options,
      ...(options.calibration ?? kb.calibration ? { calibration: options.calibration ?? kb.calibration } : {}),
    });
    const heads = kb.synonyms.map((group) => group[0]!);
    index.terms = [...new Set([...scenarios.map((s) => s.title), ...heads, ...userWords])].filter((t) => t.length <= MAX_PHRASE_CHARS);
    return { index, scenarios };
  }

  private finish(): this {
    this.topic.freeze();
    this.said.freeze();
    this.phrasings.freeze();
    for (const field of [this.topic, this.said]) {
      for (const [term, df] of field.terms()) {
        if (!term.startsWith('w:') || term.length < 4) continue; // two characters or more
        const sound = wordPinyin(term.slice(2));
        const known = this.soundsLike.get(sound);
        if (!known || known.df < df) this.soundsLike.set(sound, { word: term, df });
      }
    }
    this.phrasingOwners = Int32Array.from(this.phrasingOwners);
    this.phrasingScores = new Float64Array(this.phrasingOwners.length);
    this.nearest = new Float64Array(this.docs.length);
    this.scores = new Float64Array(this.docs.length);
    this.covered = new Float64Array(this.docs.length);
    this.stamps = new Int32Array(this.docs.length);
    this.memo = null;
    return this;
  }

  /** Terms to bias a speech recogniser toward (Azure phrase list), at most `limit`. */
  phrases(limit = MAX_PHRASES): readonly string[] {
    return this.terms.slice(0, limit);
  }

  /** The same terms as Twilio's `<Gather hints>` wants them: one comma-separated string. */
  hints(): string {
    this.hintText ||= this.phrases().join(',');
    return this.hintText;
  }

  get size(): { scenarios: number; subScenarios: number } {
    return { scenarios: this.docs.length, subScenarios: this.subCount };
  }

  private termsOf(text: string): Interned {
    let interned = this.memo?.get(text);
    if (!interned) {
      const { terms } = this.analyzer.analyze(text);
      const ids = new Int32Array(terms.size);
      const counts = new Float32Array(terms.size);
      let i = 0;
      for (const [term, n] of terms) {
        ids[i] = this.vocabulary.intern(term);
        counts[i++] = n;
      }
      interned = { ids, counts };
      this.memo?.set(text, interned);
    }
    return interned;
  }

  private kindOf(id: number): number {
    return this.vocabulary.kind(id);
  }

  private addScenario(s: KbScenario): void {
    const words = new Set<number>();
    const scenarioNumber = this.docs.length;
    const { topicSums: topic, saidSums: said } = this;
    const addText = (into: TermSums, text: string, weight: number) => {
      const terms = this.termsOf(text);
      for (let i = 0; i < terms.ids.length; i++) {
        const id = terms.ids[i]!;
        const kind = this.kindOf(id);
        into.add(id, terms.counts[i]! * weight);
        if (kind === W) words.add(id);
      }
      return terms;
    };
    const own: number[] = [];
    const ownCounts: number[] = [];
    const addPhrasing = (text: string, weight: number) => {
      const terms = addText(said, text, weight);
      // The nearest-phrasing signal compares words only: bigrams and sounds are the fields' job.
      own.length = 0;
      ownCounts.length = 0;
      for (let i = 0; i < terms.ids.length; i++) {
        if (this.kindOf(terms.ids[i]!) !== W) continue;
        own.push(terms.ids[i]!);
        ownCounts.push(terms.counts[i]!);
      }
      this.phrasings.add(own, ownCounts);
      (this.phrasingOwners as number[]).push(scenarioNumber);
    };
    addText(topic, s.title, TOPIC_WEIGHTS.title);
    for (const k of s.keywords) addText(topic, k, TOPIC_WEIGHTS.keywords);
    for (const [k, alternatives] of Object.entries(s.synonyms)) for (const w of [k, ...alternatives]) addText(topic, w, TOPIC_WEIGHTS.keywords);
    for (const p of s.phrasings) addPhrasing(p, SAID_WEIGHTS.phrasings);
    const subDocs: SubDoc[] = [];
    for (const sub of s.subScenarios) {
      if (sub.status !== 'active') continue;
      addText(topic, sub.title, TOPIC_WEIGHTS.subTitle);
      for (const k of sub.keywords) addText(topic, k, TOPIC_WEIGHTS.subKeywords);
      for (const p of sub.phrasings) addPhrasing(p, SAID_WEIGHTS.subPhrasings);
      subDocs.push({ source: sub, id: sub.id, title: sub.title, answer: sub.answer, spoken: sub.spoken });
    }
    this.subCount += subDocs.length;
    topic.flushInto(this.topic);
    said.flushInto(this.said);
    this.docs.push({ scenario: s, words, subs: subDocs.length ? { index: null, docs: subDocs } : null });
  }

  /**
   * The best scenarios for what the caller said, best first; none when nothing fits.
   * Scores are probabilities of one right answer, so they add: the list is shown when
   * the top three together reach the threshold. A vague question (公积金提取) then still
   * shows its few likely answers, each with its own modest score.
   */
  search(text: string, limit = 5): SearchResult {
    const query = this.analyzer.analyze(text);
    const ranked = this.rank(query);
    const { words } = query;
    if (!ranked.length) return { suggestions: [], best: null, words };
    const suggestions = ranked.slice(0, Math.max(limit, 1)).map((r) => this.suggestion(r.doc, r.score, query, this.bestSub(r.doc, query)));
    const together = suggestions.slice(0, 3).reduce((sum, s) => sum + s.score, 0);
    if (together < this.threshold) return { suggestions: [], best: suggestions[0] ?? null, words };
    return { suggestions: suggestions.filter((s) => s.score >= MIN_SHOWN_SCORE).slice(0, limit), best: suggestions[0] ?? null, words };
  }

  /** The best candidates with the evidence behind their scores (calibration and reviewing misses). */
  explain(text: string, limit = 5): { id: string; score: number; evidence: Evidence }[] {
    return this.rank(this.analyzer.analyze(text))
      .slice(0, limit)
      .map((r) => ({ id: this.docs[r.doc]!.scenario.id, score: r.score, evidence: r.evidence }));
  }

  private known(id: number | undefined): boolean {
    return this.topic.has(id) || this.said.has(id);
  }

  /** The knowledge base's word that sounds exactly like an unknown `w:` term (低包 → w:低保), if any. */
  private soundAlike(term: string): string | null {
    return this.soundsLike.get(wordPinyin(term.slice(2)))?.word ?? null;
  }

  /** Documents with their calibrated score, best first. */
  private rank(query: AnalyzedText): { doc: number; score: number; evidence: Evidence }[] {
    const touched: number[] = [];
    const phrasingsTouched: number[] = [];
    let total = 0;
    const has = (term: string) => this.known(this.vocabulary.find(term));
    for (const [said] of query.terms) {
      let term = said;
      let weight = TERM_WEIGHTS[term[0]!]!;
      if (term[0] === 'w' && !has(term)) {
        const like = this.soundAlike(term);
        if (like) [term, weight] = [like, HOMOPHONE_WEIGHT];
      } else if (term[0] === 'p' && has(term) && !query.sources.get(term)?.some(has)) weight = HOMOPHONE_WEIGHT;
      const id = this.vocabulary.find(term);
      const known = this.known(id);
      // Words and characters the knowledge base lacks make a question less certain;
      // sound-alike forms it lacks say nothing (they are only there to catch errors).
      if (!known && term[0] === 'p') continue;
      const share = weight * Math.max(this.topic.idf(id), this.said.idf(id));
      total += share;
      if (!known) continue;
      const stamp = ++this.stamp;
      this.topic.accumulate(id!, weight * FIELD_MIX.topic, this.scores, touched, this.covered, share, this.stamps, stamp);
      this.said.accumulate(id!, weight * FIELD_MIX.said, this.scores, touched, this.covered, share, this.stamps, stamp);
      this.phrasings.accumulateScores(id!, weight, this.phrasingScores, phrasingsTouched);
    }
    for (const p of phrasingsTouched) {
      const doc = this.phrasingOwners[p]!;
      if (this.phrasingScores[p]! > this.nearest[doc]!) this.nearest[doc] = this.phrasingScores[p]!;
      this.phrasingScores[p] = 0;
    }
    for (const d of touched) this.scores[d]! += PHRASING_MIX * this.nearest[d]!;
    const candidates = touched.sort((a, b) => this.scores[b]! - this.scores[a]!).slice(0, CANDIDATES);
    const second = candidates.length > 1 ? this.scores[candidates[1]!]! : 0;
    const out = candidates.map((doc, i) => {
      const evidence: Evidence = { bm25: this.scores[doc]!, coverage: total ? this.covered[doc]! / total : 0, margin: i === 0 ? this.scores[doc]! - second : 0, mass: total };
      return { doc, evidence, score: confidence(evidence, this.calibration) };
    });
    for (const d of touched) {
      this.scores[d] = 0;
      this.covered[d] = 0;
      this.nearest[d] = 0;
    }
    return out.sort((a, b) => b.score - a.score);
  }

  /**
   * A scenario's sub-scenarios in a small index of their own: siblings are told apart by
   * their words, weighed by how rare each is among the siblings.
   * Built when first needed, so a large knowledge base does not build thousands up front.
   */
  private subIndex(docs: readonly SubDoc[]): Bm25Index {
    const index = new Bm25Index(new Vocabulary());
    for (const { source: sub } of docs) {
      const terms = new Map<number, number>();
      const add = (text: string, weight: number) => {
        for (const [term, n] of this.analyzer.analyze(text).terms) {
          if (term[0] !== 'w') continue;
          const id = index.vocabulary.intern(term);
          terms.set(id, (terms.get(id) ?? 0) + n * weight);
        }
      };
      add(sub.title, SUB_WEIGHTS.title);
      for (const k of sub.keywords) add(k, SUB_WEIGHTS.keywords);
      for (const p of sub.phrasings) add(p, SUB_WEIGHTS.phrasings);
      index.add([...terms.keys()], [...terms.values()]);
    }
    index.freeze();
    return index;
  }

  /** The scenario's sub-scenario the caller's words point to, when one clearly leads its siblings. */
  private bestSub(doc: number, query: AnalyzedText): SubDoc | null {
    const subs = this.docs[doc]!.subs;
    if (!subs) return null;
    subs.index ??= this.subIndex(subs.docs);
    const scores = subs.index.scoreAll([...query.terms.keys()].map((t) => [t, TERM_WEIGHTS[t[0]!]!] as const));
    let best = -1;
    let second = 0;
    for (let i = 0; i < scores.length; i++) {
      if (best < 0 || scores[i]! > scores[best]!) {
        if (best >= 0) second = scores[best]!;
        best = i;
      } else second = Math.max(second, scores[i]!);
    }
    if (best < 0 || scores[best]! <= 0 || scores[best]! < SUB_LEAD * second) return null;
    // The caller must have said something only this variant has (没有合同, 已备案): words its
    // siblings share (公积金, 租房) say which scenario, not which variant.
    if (subs.docs.length > 1) {
      const own = [...query.terms.keys()].filter((t) => subs.index!.df(subs.index!.vocabulary.find(t)) === 1);
      if (!(subs.index.scoreAll(own.map((t) => [t, 1] as const))[best]! > 0)) return null;
    }
    return subs.docs[best]!;
  }

  private suggestion(doc: number, score: number, query: AnalyzedText, sub: SubDoc | null): Suggestion {
    const { scenario, words } = this.docs[doc]!;
    const matched: string[] = [];
    for (const said of query.words) {
      const term = `w:${this.analyzer.canonicalOf(said)}`;
      const heardAs = this.vocabulary.find(term) ?? this.vocabulary.find(this.soundAlike(term) ?? '');
      if (heardAs !== undefined && words.has(heardAs) && !matched.includes(said)) matched.push(said);
    }
    return {
      id: scenario.id,
      title: scenario.title,
      domain: scenario.domain,
      department: scenario.department,
      intent: scenario.intent,
      score: Math.round(score * 1000) / 1000,
      matched,
      sub: sub ? { id: sub.id, title: sub.title, answer: sub.answer, spoken: sub.spoken } : null,
      answer: scenario.answer,
      spoken: scenario.spoken,
    };
  }
}
