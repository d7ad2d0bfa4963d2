import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { isHan, normalizeText } from './normalize.ts';
import { allSyllables, splitPinyin, syllableOf, wordPinyin } from './pinyin.ts';

/**
 * Turns spoken Chinese into the terms the index ranks by. Three kinds, so that one
 * recognition error costs part of a match instead of all of it:
 *  - `w:` words from jieba (loaded with the knowledge base's own terms), synonyms read as
 *    their group's first word, fillers and question frames dropped;
 *  - `b:` character bigrams of what is left, for words jieba splits differently or does not know;
 *  - `p:` toneless pinyin bigrams of the same characters, for homophones (公基金 ≈ 公积金).
 * Latin text that spells pinyin (gongjijin, shebaoka diule) is split into syllables and
 * joins the `p:` stream, so a caller typing pinyin matches like one speaking; other Latin
 * words and numbers are kept as words.
 */
export interface AnalyzedText {
  /** Term key (`w:公积金`) → how often it occurs. */
  readonly terms: Map<string, number>;
  /** The content words, in order, as the caller said them (before synonyms): for showing what matched. */
  readonly words: readonly string[];
  /** Each `p:` bigram → the `b:` bigrams it was heard from, to tell a homophone from a match. */
  readonly sources: ReadonlyMap<string, readonly string[]>;
}

export interface AnalyzerOptions {
  /** Words jieba must keep whole (keywords and synonyms of the knowledge base). */
  readonly userWords: Iterable<string>;
  /** Synonym groups; the first word of each is canonical. */
  readonly synonyms: readonly (readonly string[])[];
  readonly stopwords: ReadonlySet<string>;
}

/**
 * One jieba per process: its dictionary takes ~0.25 s and ~35 MB to load, and a new
 * knowledge-base version only adds words to it. A word a later version dropped stays a
 * word; it costs nothing but a slightly different split of that word.
 */
let shared: { jieba: Jieba; words: Set<string> } | null = null;
function sharedJieba(): { jieba: Jieba; words: Set<string> } {
  shared ??= { jieba: Jieba.withDict(dict), words: new Set() };
  return shared;
}

/** The words jieba reads in a phrase (normalised text, no spaces), in order. */
export function wordsOf(phrase: string): string[] {
  return sharedJieba().jieba.cut(phrase, true);
}

export class Analyzer {
  private readonly jieba: Jieba;
  private readonly canonical = new Map<string, string>();
  /** Stop words as typed in pinyin (zenme, qingwen). */
  private readonly pinyinStopwords = new Set<string>();

  constructor(private readonly options: AnalyzerOptions) {
    const { jieba, words: loaded } = sharedJieba();
    this.jieba = jieba;
    allSyllables();
    for (const word of options.stopwords) if (word.length > 1) this.pinyinStopwords.add(wordPinyin(word));
    for (const group of options.synonyms) {
      const head = normalizeText(group[0]!);
      for (const word of group) this.canonical.set(normalizeText(word), head);
    }
    const lines: string[] = [];
    const seen = new Set<string>();
    const add = (word: string, longest: number) => {
      const w = normalizeText(word).replace(/ /g, '');
      if (w.length < 2 || w.length > longest || seen.has(w) || loaded.has(w)) return;
      seen.add(w);
      loaded.add(w);
      lines.push(`${w} ${20_000 + w.length * 5_000} n`);
    };
    // Synonyms are read whole (住房公积金 → 公积金); long keyword phrases stay out of the
    // dictionary: kept whole they would no longer match their parts.
    for (const word of this.canonical.keys()) add(word, 8);
    for (const word of options.userWords) add(word, 4);
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
    const sources = new Map<string, string[]>();
    const add = (key: string) => terms.set(key, (terms.get(key) ?? 0) + 1);
    // Runs of content in a row: characters for `b:` bigrams, syllables for `p:` bigrams.
    let chars: string[] = [];
    let sounds: string[] = [];
    const endRun = () => {
      for (let i = 0; i + 1 < sounds.length; i++) {
        const sound = `p:${sounds[i]}${sounds[i + 1]}`;
        add(sound);
        if (i + 1 < chars.length) {
          const pair = `b:${chars[i]}${chars[i + 1]}`;
          add(pair);
          const from = sources.get(sound);
          if (from) from.push(pair);
          else sources.set(sound, [pair]);
        }
      }
      if (sounds.length === 1) add(`p:${sounds[0]}`);
      chars = [];
      sounds = [];
    };
    for (const piece of this.jieba.cut(text, true)) {
      // Spaces between typed pinyin words (shebao ka diu le) separate words, not phrases.
      if (piece === ' ' && sounds.length && !chars.length) continue;
      if (piece === ' ' || this.options.stopwords.has(piece)) {
        endRun();
        continue;
      }
      if (isHan(piece[0]!)) {
        const word = this.canonicalOf(piece);
        words.push(piece);
        add(`w:${word}`);
        // Bigrams and pinyin come from the canonical form, so a synonym matches the same characters.
        for (const ch of word) {
          chars.push(ch);
          sounds.push(syllableOf(ch));
        }
        continue;
      }
      const spelled = /^[a-z]+$/.test(piece) ? splitPinyin(piece) : null;
      if (spelled && spelled.length > 1 && this.pinyinStopwords.has(piece)) {
        endRun();
        continue;
      }
      if (spelled) {
        // Typed pinyin: no characters to compare, only sounds.
        words.push(piece);
        if (chars.length) endRun();
        sounds.push(...spelled);
        continue;
      }
      endRun();
      words.push(piece);
      add(`w:${piece}`);
    }
    endRun();
    return { terms, words, sources };
  }
}
