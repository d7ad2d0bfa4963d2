import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { pinyin } from 'pinyin-pro';
import { isHan, normalizeText } from './normalize.ts';

/**
 * Turns spoken Chinese into the terms the index ranks by. Three kinds, so that one
 * recognition error costs part of a match instead of all of it:
 *  - `w:` words from jieba (loaded with the knowledge base's own terms), synonyms read as
 *    their group's first word, fillers and question frames dropped;
 *  - `b:` character bigrams of what is left, for words jieba splits differently or does not know;
 *  - `p:` toneless pinyin bigrams of the same characters, for homophones (公基金 ≈ 公积金).
 * Latin text is kept as words, and a run of Latin words is also tried as pinyin (gongjijin).
 */
export type TermKind = 'w' | 'b' | 'p';

export interface AnalyzedText {
  /** Term key (`w:公积金`) → how often it occurs. */
  readonly terms: Map<string, number>;
  /** The content words, in order, as the caller said them (before synonyms): for showing what matched. */
  readonly words: readonly string[];
  /** Content word → surface words it came from (canonical 公积金 ← 住房公积金). */
  readonly surfaces: ReadonlyMap<string, string>;
}

export interface AnalyzerOptions {
  /** Words jieba must keep whole (keywords and synonyms of the knowledge base). */
  readonly userWords: Iterable<string>;
  /** Synonym groups; the first word of each is canonical. */
  readonly synonyms: readonly (readonly string[])[];
  readonly stopwords: ReadonlySet<string>;
}

// jieba's default dictionary takes ~0.2 s to load; every analyzer shares it and adds its own words.
let baseDict: Uint8Array | null = null;

export class Analyzer {
  private readonly jieba: Jieba;
  private readonly canonical = new Map<string, string>();
  private readonly pinyinOf = new Map<string, string>();

  constructor(private readonly options: AnalyzerOptions) {
    baseDict ??= dict;
    this.jieba = Jieba.withDict(baseDict);
    for (const group of options.synonyms) {
      const head = normalizeText(group[0]!);
      for (const word of group) this.canonical.set(normalizeText(word), head);
    }
    const lines: string[] = [];
    const seen = new Set<string>();
    for (const word of [...options.userWords, ...this.canonical.keys()]) {
      const w = normalizeText(word).replace(/ /g, '');
      // Long phrases stay out of the dictionary: kept whole they would no longer match their parts.
      if (w.length < 2 || w.length > 4 || seen.has(w)) continue;
      seen.add(w);
      lines.push(`${w} ${20_000 + w.length * 5_000} n`);
    }
    if (lines.length) this.jieba.loadDict(Buffer.from(lines.join('\n'), 'utf8'));
  }

  /** The synonym group head for a word, or the word itself. */
  canonicalOf(word: string): string {
    return this.canonical.get(word) ?? word;
  }

  analyze(raw: string): AnalyzedText {
    const text = normalizeText(raw);
    const terms = new Map<string, number>();
    const words: string[] = [];
    const surfaces = new Map<string, string>();
    const add = (key: string) => terms.set(key, (terms.get(key) ?? 0) + 1);
    let run: string[] = []; // content Han characters in a row, for bigrams
    let latin: string[] = [];
    const endRun = () => {
      for (let i = 0; i + 1 < run.length; i++) {
        add(`b:${run[i]}${run[i + 1]}`);
        add(`p:${this.syllable(run[i]!)}${this.syllable(run[i + 1]!)}`);
      }
      if (run.length === 1) add(`p:${this.syllable(run[0]!)}`);
      run = [];
    };
    const endLatin = () => {
      // A run of Latin words may be pinyin typed with or without spaces: try the joined forms.
      for (let i = 0; i + 1 < latin.length; i++) add(`j:${latin[i]}${latin[i + 1]}`);
      for (const w of latin) add(`j:${w}`);
      latin = [];
    };
    for (const piece of this.jieba.cut(text, true)) {
      if (piece === ' ') {
        endRun();
        endLatin();
        continue;
      }
      const isStop = this.options.stopwords.has(piece);
      if (isStop) {
        endRun();
        continue;
      }
      const word = this.canonicalOf(piece);
      words.push(piece);
      if (word !== piece) surfaces.set(word, piece);
      add(`w:${word}`);
      if (isHan(piece[0]!)) {
        endLatin();
        // Bigrams and pinyin come from the canonical form, so a synonym matches the same characters.
        for (const ch of word) run.push(ch);
        add(`j:${this.wordPinyin(word)}`);
      } else if (/^[a-z]+$/.test(piece)) {
        endRun();
        latin.push(piece);
      } else endRun();
    }
    endRun();
    endLatin();
    return { terms, words, surfaces };
  }

  /** Toneless pinyin of one character; the first reading, cached (context is not needed to match homophones). */
  private syllable(ch: string): string {
    let s = this.pinyinOf.get(ch);
    if (s === undefined) {
      s = isHan(ch) ? pinyin(ch, { toneType: 'none', type: 'array' })[0] ?? ch : ch;
      this.pinyinOf.set(ch, s);
    }
    return s;
  }

  private wordPinyin(word: string): string {
    let out = '';
    for (const ch of word) out += this.syllable(ch);
    return out;
  }
}
