import type { Answer } from '../knowledge/schema.ts';
import { activeScenarios, type KbScenario, type KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { Analyzer, type AnalyzedText } from './analyzer.ts';
import { Bm25Index } from './bm25.ts';
import { confidence } from './confidence.ts';

/**
 * The searchable form of one knowledge-base version. Each active scenario is one document
 * (its title, keywords, local synonyms, caller phrasings and sub-scenarios, weighted by
 * field); sub-scenarios are also documents of a second index, used to say which variant
 * of the answer fits. Built once per version, off the live path, and then only read.
 *
 * @example
 * ```ts
 * const index = KnowledgeIndex.build(kb);
 * index.search('租房子能不能取公积金').suggestions[0]; // {id: 'gjj.withdraw_rent', score: 0.93, …}
 * ```
 */

/** How much a match of each kind of term counts: whole words most, homophone pinyin least. */
const TERM_WEIGHTS: Record<string, number> = { w: 1, b: 0.45, p: 0.3, j: 0.3 };
/** How much each field of a scenario counts. */
const FIELD_WEIGHTS = { title: 3, keywords: 2, phrasings: 1, subTitle: 1, subKeywords: 1, subPhrasings: 0.5 } as const;
/** Recognisers take a bounded phrase list (Azure and Twilio both document ~500 entries). */
const MAX_PHRASES = 500;
const MAX_PHRASE_CHARS = 50;
/** Candidates ranked fully; the rest of the postings' documents are only summed. */
const CANDIDATES = 20;

export interface Suggestion {
  readonly id: string;
  readonly title: string;
  readonly domain: string;
  readonly department: string;
  readonly intent: KbScenario['intent'];
  /** Calibrated 0–1: how likely this is the caller's question. */
  readonly score: number;
  /** The caller's words that matched, as they said them. */
  readonly matched: readonly string[];
  /** The sub-scenario whose answer fits what the caller said, when one clearly does. */
  readonly sub: { readonly id: string; readonly title: string; readonly answer: Answer; readonly spoken: string } | null;
  readonly answer: Answer;
  readonly spoken: string;
}

/** What to read to the caller: the fitting sub-scenario's answer, else the scenario's. */
export function spokenAnswer(s: Suggestion): string {
  return s.sub?.spoken ?? s.spoken;
}

/** A sub-scenario is chosen only when it beats its siblings by this factor. */
const SUB_LEAD = 1.3;

export interface SearchResult {
  readonly suggestions: readonly Suggestion[];
  /** The best candidate even when it is below the threshold (for reviewing misses). */
  readonly best: Suggestion | null;
}

interface Doc {
  readonly scenario: KbScenario;
  /** The words of the document (canonical), for naming what matched. */
  readonly words: ReadonlySet<string>;
}

interface SubDoc {
  readonly scenario: number;
  readonly id: string;
  readonly title: string;
  readonly answer: Answer;
  readonly spoken: string;
}

export interface IndexOptions {
  /** Below this score a scenario is not suggested ("nothing fits"). */
  readonly threshold?: number;
}

export const DEFAULT_THRESHOLD = 0.35;

export class KnowledgeIndex {
  private readonly docs: Doc[] = [];
  private readonly subs: SubDoc[] = [];
  private readonly main = new Bm25Index();
  private readonly subIndex = new Bm25Index();
  private scores = new Float64Array(0);
  private covered = new Float64Array(0);
  private subScores = new Float64Array(0);
  private subCovered = new Float64Array(0);
  readonly threshold: number;
  /** The knowledge base's own terms, titles first: recognition hints. */
  private terms: string[] = [];
  private hintText = '';

  private constructor(
    readonly analyzer: Analyzer,
    options: IndexOptions,
  ) {
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
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
    const userWords = new Set<string>();
    for (const s of scenarios) {
      for (const k of s.keywords) userWords.add(k);
      for (const [k, alternatives] of Object.entries(s.synonyms)) [k, ...alternatives].forEach((w) => userWords.add(w));
      for (const sub of s.subScenarios) sub.keywords.forEach((k) => userWords.add(k));
    }
    const index = new KnowledgeIndex(new Analyzer({ userWords, synonyms: kb.synonyms, stopwords: kb.stopwords }), options);
    index.terms = [...new Set([...scenarios.map((s) => s.title), ...userWords])].filter((t) => t.length <= MAX_PHRASE_CHARS);
    return { index, scenarios };
  }

  private finish(): this {
    this.main.freeze();
    this.subIndex.freeze();
    this.scores = new Float64Array(this.docs.length);
    this.covered = new Float64Array(this.docs.length);
    this.subScores = new Float64Array(this.subs.length);
    this.subCovered = new Float64Array(this.subs.length);
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
    return { scenarios: this.docs.length, subScenarios: this.subs.length };
  }

  private addScenario(s: KbScenario): void {
    const terms = new Map<string, number>();
    const words = new Set<string>();
    const addText = (text: string, weight: number) => {
      const a = this.analyzer.analyze(text);
      for (const [t, n] of a.terms) terms.set(t, (terms.get(t) ?? 0) + n * weight);
      for (const [t] of a.terms) if (t.startsWith('w:')) words.add(t.slice(2));
    };
    addText(s.title, FIELD_WEIGHTS.title);
    for (const k of s.keywords) addText(k, FIELD_WEIGHTS.keywords);
    for (const [k, alternatives] of Object.entries(s.synonyms)) for (const w of [k, ...alternatives]) addText(w, FIELD_WEIGHTS.keywords);
    for (const p of s.phrasings) addText(p, FIELD_WEIGHTS.phrasings);
    const scenarioNumber = this.docs.length;
    for (const sub of s.subScenarios) {
      if (sub.status !== 'active') continue;
      addText(sub.title, FIELD_WEIGHTS.subTitle);
      for (const k of sub.keywords) addText(k, FIELD_WEIGHTS.subKeywords);
      for (const p of sub.phrasings) addText(p, FIELD_WEIGHTS.subPhrasings);
      const subTerms = new Map<string, number>();
      const addSub = (text: string, weight: number) => {
        for (const [t, n] of this.analyzer.analyze(text).terms) subTerms.set(t, (subTerms.get(t) ?? 0) + n * weight);
      };
      addSub(sub.title, FIELD_WEIGHTS.title);
      for (const k of sub.keywords) addSub(k, FIELD_WEIGHTS.keywords);
      for (const p of sub.phrasings) addSub(p, FIELD_WEIGHTS.phrasings);
      this.subIndex.add(subTerms);
      this.subs.push({ scenario: scenarioNumber, id: sub.id, title: sub.title, answer: sub.answer, spoken: sub.spoken });
    }
    this.main.add(terms);
    this.docs.push({ scenario: s, words });
  }

  /** The best scenarios for what the caller said, best first, those under the threshold left out. */
  search(text: string, limit = 5): SearchResult {
    const query = this.analyzer.analyze(text);
    const ranked = this.rank(query);
    if (!ranked.length) return { suggestions: [], best: null };
    const subs = this.bestSubs(query);
    const suggestions = ranked.slice(0, Math.max(limit, 1)).map((r) => this.suggestion(r.doc, r.score, query, subs.get(r.doc) ?? null));
    return { suggestions: suggestions.filter((s) => s.score >= this.threshold).slice(0, limit), best: suggestions[0] ?? null };
  }

  /** Documents with their calibrated score, best first. */
  private rank(query: AnalyzedText): { doc: number; score: number }[] {
    const touched: number[] = [];
    let total = 0;
    for (const [term] of query.terms) {
      const weight = TERM_WEIGHTS[term[0]!]!;
      const share = weight * this.main.idf(term);
      total += share;
      this.main.accumulate(term, weight, this.scores, touched, this.covered, share);
    }
    const candidates = touched.sort((a, b) => this.scores[b]! - this.scores[a]!).slice(0, CANDIDATES);
    const second = candidates.length > 1 ? this.scores[candidates[1]!]! : 0;
    const out = candidates.map((doc, i) => ({
      doc,
      score: confidence({ bm25: this.scores[doc]!, coverage: total ? this.covered[doc]! / total : 0, margin: i === 0 ? this.scores[doc]! - second : 0 }),
    }));
    for (const d of touched) {
      this.scores[d] = 0;
      this.covered[d] = 0;
    }
    return out.sort((a, b) => b.score - a.score);
  }

  /** For each scenario with sub-scenarios the query touches, its best-matching one. */
  private bestSubs(query: AnalyzedText): Map<number, SubDoc> {
    const best = new Map<number, SubDoc>();
    if (!this.subs.length) return best;
    const touched: number[] = [];
    for (const [term] of query.terms) {
      const weight = TERM_WEIGHTS[term[0]!]!;
      this.subIndex.accumulate(term, weight, this.subScores, touched, this.subCovered, 0);
    }
    const top = new Map<number, { best: number; second: number }>();
    for (const d of touched) {
      const scenario = this.subs[d]!.scenario;
      const score = this.subScores[d]!;
      const current = top.get(scenario);
      if (!current) top.set(scenario, { best: d, second: 0 });
      else if (score > this.subScores[current.best]!) top.set(scenario, { best: d, second: this.subScores[current.best]! });
      else current.second = Math.max(current.second, score);
    }
    for (const [scenario, { best: d, second }] of top) {
      if (this.subScores[d]! >= SUB_LEAD * second) best.set(scenario, this.subs[d]!);
    }
    for (const d of touched) {
      this.subScores[d] = 0;
      this.subCovered[d] = 0;
    }
    return best;
  }

  private suggestion(doc: number, score: number, query: AnalyzedText, sub: SubDoc | null): Suggestion {
    const { scenario, words } = this.docs[doc]!;
    const matched: string[] = [];
    for (const said of query.words) {
      const word = this.analyzer.canonicalOf(said);
      if (words.has(word) && !matched.includes(said)) matched.push(said);
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
