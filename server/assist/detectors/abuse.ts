import { wordsOf } from '../analyzer.ts';
import type { Flag } from '../flag.ts';
import { normalizeText } from '../normalize.ts';
import { splitPinyin, syllableOf } from '../pinyin.ts';
import { firstMatch } from '../rules/signal.ts';
import type { CompiledRules } from '../rules/compiled.ts';
import { withoutWords, type Utterance } from './utterance.ts';

/**
 * Abuse of the operator (insult, threat, sexual). A term matches as written, by sound
 * (煞笔 ~ 傻逼: callers and recognisers both swap homophones), and with one character
 * masked (傻X, 傻*); Latin initials (sb, cnm) match as whole words. Per-call counting and
 * escalation (the warning recording, the supervisor) are the live path's: see `live-flags.ts`.
 */
const CATEGORIES = ['threat', 'sexual', 'insult'] as const;

interface TermMatcher {
  readonly masked: RegExp | null;
  /** Terms by their toneless syllables joined with spaces. */
  readonly sounds: ReadonlyMap<string, string>;
  readonly longest: number;
}

const matchers = new WeakMap<object, TermMatcher>();

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matcherFor(terms: readonly string[], maskCharacters: string): TermMatcher {
  const key = terms as unknown as object;
  let m = matchers.get(key);
  if (m) return m;
  const mask = `[${escape(maskCharacters)}]`;
  const variants: string[] = [];
  for (const term of terms) {
    const chars = [...term];
    // A two-character word masks only its second (傻*): what is left of *那 or X货 is everyday
    // Chinese, and a run of masks (二xx栋) is a placeholder, not a disguise.
    if (chars.length === 2) variants.push(`${escape(chars[0]!)}${mask}(?!${mask})`);
    else for (let i = 0; i < chars.length; i++) variants.push(chars.map((c, j) => (j === i ? mask : escape(c))).join(''));
  }
  const sounds = new Map<string, string>();
  for (const term of terms) sounds.set([...term].map(syllableOf).join(' '), term);
  m = { masked: variants.length ? new RegExp(variants.join('|'), 'u') : null, sounds, longest: Math.max(0, ...terms.map((t) => [...t].length)) };
  matchers.set(key, m);
  return m;
}

/** The caller's words with the mask characters kept (normalisation turns 傻* into 傻). */
function keepingMasks(raw: string, maskCharacters: string): string {
  const masks = new Set(maskCharacters);
  let out = '';
  for (const ch of raw.normalize('NFKC').toLowerCase()) if (masks.has(ch) || /[\p{L}\p{N}]/u.test(ch)) out += ch;
  return out;
}

/**
 * Shortest run compared by sound, per category: insults are disguised in two characters
 * (煞笔), but a two-syllable sexual or threatening term collides with everyday words (叫穿).
 */
const SHORTEST_BY_SOUND = { insult: 2, threat: 3, sexual: 3 } as const;

function termEvidence(u: Utterance, terms: readonly string[], maskCharacters: string, shortestBySound: number): string[] {
  const found = terms.filter((t) => u.compact.includes(t));
  if (found.length) return found;
  const m = matcherFor(terms, maskCharacters);
  const masked = m.masked?.exec(keepingMasks(u.raw, maskCharacters));
  if (masked) return [masked[0]];
  // By sound: every run of 2..longest syllables within one spoken phrase, compared as syllables.
  for (const phrase of soundPhrases(u.text)) {
    let bounds: ReadonlySet<number> | null | undefined; // read once per phrase, and only on a match
    for (let i = 0; i < phrase.length; i++) {
      for (let len = shortestBySound; len <= m.longest && i + len <= phrase.length; len++) {
        const run = phrase.slice(i, i + len);
        const term = m.sounds.get(run.map((t) => t.sound).join(' '));
        if (term && heardAs(run, term, i, (bounds ??= wordBounds(phrase)))) return [run.map((t) => t.text).join('').trim()];
      }
    }
  }
  return [];
}

/** Where the caller's words begin and end in a phrase (character offsets); null for typed pinyin, which has no words. */
function wordBounds(phrase: readonly SoundToken[]): ReadonlySet<number> | null {
  if (phrase.some((t) => t.text.endsWith(' '))) return null;
  const bounds = new Set<number>([0]);
  let at = 0;
  for (const w of wordsOf(phrase.map((t) => t.text).join(''))) bounds.add((at += [...w].length));
  return bounds;
}

/**
 * Whether a run that sounds like a term is heard as it. Not when it begins or ends inside a
 * word the caller said (机构|关门 ~ 狗官), nor when two syllables are two everyday words with none
 * of the term's characters (把|坡 ~ 八婆): a disguise keeps one (傻|比) or is one word (沙比,
 * 煞笔, 狗关: jieba reads such a pair as a word of its own).
 */
function heardAs(run: readonly SoundToken[], term: string, from: number, bounds: ReadonlySet<number> | null): boolean {
  if (!bounds) return true;
  if (!bounds.has(from) || !bounds.has(from + run.length)) return false;
  const chars = [...term];
  return !(run.length === 2 && bounds.has(from + 1) && !run.some((t, k) => t.text === chars[k]));
}

interface SoundToken {
  readonly text: string;
  readonly sound: string;
}

/**
 * The caller's words as phrases of syllables. A pause ends a phrase: a run matched by sound
 * across it (冲煞了，你们 ~ 杀了你) is no word the caller said. Typed pinyin (sha bi, ni de
 * sheng yin) is one phrase of its syllables, so it matches as the characters would.
 */
function soundPhrases(text: string): SoundToken[][] {
  const phrases: SoundToken[][] = [];
  let latin: SoundToken[] | null = null;
  for (const piece of text.split(' ')) {
    const syllables = /^[a-z]+$/.test(piece) ? splitPinyin(piece) : null;
    if (syllables) {
      if (!latin) phrases.push((latin = []));
      for (const s of syllables) latin.push({ text: `${s} `, sound: s });
      continue;
    }
    latin = null;
    phrases.push([...piece].map((ch) => ({ text: ch, sound: syllableOf(ch) })));
  }
  return phrases;
}

/** Latin words, and runs of up to four of them joined: typed pinyin spelled out (sha bi, cao ni ma) reads as its abbreviation. */
function latinWords(text: string): Set<string> {
  const words = text.split(/[^a-z0-9]+/).filter(Boolean);
  const out = new Set(words);
  for (let i = 0; i < words.length; i++) {
    let joined = words[i]!;
    for (let n = 1; n < 4 && i + n < words.length; n++) out.add((joined += words[i + n]!));
  }
  return out;
}

/** Words just before an insult that aim it at the operator (你这个…, 你们这帮…), or just after (…客服). */
const TO_OPERATOR_BEFORE = /(你|您|客服|接线员|话务员|热线|12345)[^你您]{0,4}$/u;
const TO_OPERATOR_AFTER = /^(客服|接线员|话务员|热线)/u;

const QUOTED = /“[^”]*”|"[^"]*"|「[^」]*」|『[^』]*』|‘[^’]*’|'[^']*'/gu;

/** Whether the word stands only inside quotation marks (a typed or written report: 他骂我“你个…”). */
function onlyQuoted(raw: string, word: string): boolean {
  const spans = raw.match(QUOTED);
  if (!spans) return false;
  const compact = (text: string) => normalizeText(text).replace(/ /g, '');
  return spans.some((q) => compact(q).includes(word)) && !compact(raw.replace(QUOTED, ' ')).includes(word);
}

/** Whether a word the caller quotes from someone else is still said to the operator. */
function saidToOperator(u: Utterance, word: string, quoteFrames: readonly RegExp[]): boolean {
  if (onlyQuoted(u.raw, word)) return false;
  let at = u.compact.indexOf(word);
  if (at < 0) return true; // a masked or abbreviated form: keep the flag, the operator judges
  while (at >= 0) {
    if (!quoteFramed(u, at, word, quoteFrames) && (/[你您]/u.test(word) || TO_OPERATOR_BEFORE.test(u.compact.slice(Math.max(0, at - 6), at)) || TO_OPERATOR_AFTER.test(u.compact.slice(at + word.length)))) return true;
    at = u.compact.indexOf(word, at + 1);
  }
  return false;
}

/** Whether a word stands only in quotation marks or right after quote frames: someone else said it. */
function someoneElses(u: Utterance, word: string, quoteFrames: readonly RegExp[]): boolean {
  if (onlyQuoted(u.raw, word)) return true;
  let at = u.compact.indexOf(word);
  if (at < 0) return false;
  for (; at >= 0; at = u.compact.indexOf(word, at + 1)) if (!quoteFramed(u, at, word, quoteFrames)) return false;
  return true;
}

/**
 * Whether the occurrence of a word at `at` of the compact text follows a quote frame
 * (`abuse.yaml` quoteFrames) with no pause between: 摊主骂我，你个瓜娃子 pauses, so the 你 may
 * be the operator.
 */
function quoteFramed(u: Utterance, at: number, word: string, quoteFrames: readonly RegExp[]): boolean {
  // The same occurrence in the text with its pauses: count the characters before it.
  let seen = 0;
  let i = 0;
  for (; i < u.text.length && seen < at; i++) if (u.text[i] !== ' ') seen++;
  if (!u.text.startsWith(word, i)) return false;
  const before = u.text.slice(Math.max(0, i - 28), i);
  return quoteFrames.some((frame) => frame.test(before));
}

export function detectAbuse(said: Utterance, rules: CompiledRules): Flag[] {
  const abuse = rules.source.abuse;
  const u = withoutWords(said, rules.notAbuse.flatMap((r) => said.text.match(r) ?? []));
  const latin = latinWords(u.text);
  const reported = firstMatch(rules.reportedSpeech, u.text) !== null;
  const flags: Flag[] = [];
  for (const category of CATEGORIES) {
    const c = abuse.categories[category];
    let evidence = termEvidence(u, c.terms, abuse.maskCharacters, SHORTEST_BY_SOUND[category]);
    if (!evidence.length) evidence = c.abbreviations.filter((a) => latin.has(a));
    if (!evidence.length) evidence = firstMatch(rules.abuseSignals[category], u.text) ?? [];
    // Someone else's insult or threat, quoted: the caller's matter, not abuse of the operator.
    // Words right after someone and their verb of saying (他不耐烦地说你有病吧) are theirs even
    // where nothing else says the call is a report.
    if (category !== 'sexual') evidence = evidence.filter((e) => (reported ? saidToOperator(u, e, rules.quoteFrames) : !someoneElses(u, e, rules.quoteFrames)));
    if (!evidence.length) continue;
    flags.push({ kind: 'abuse', category, severity: c.severity, evidence, script: c.script, ...(c.alertSupervisor ? { alertSupervisor: true } : {}) });
  }
  return flags;
}
