import { pinyin } from 'pinyin-pro';
import { isHan } from './normalize.ts';

/**
 * Toneless pinyin for matching by sound: callers and recognisers swap homophones
 * (公基金 for 公积金, 煞笔 for 傻逼). One character's first reading is enough — both sides
 * of a comparison are read the same way — and is cached for the process.
 */
const readings = new Map<string, string>();

/** Toneless pinyin of one character (the character itself when it is not Han). */
export function syllableOf(ch: string): string {
  let s = readings.get(ch);
  if (s === undefined) {
    s = isHan(ch) ? pinyin(ch, { toneType: 'none', type: 'array' })[0] ?? ch : ch;
    readings.set(ch, s);
  }
  return s;
}

/** Toneless pinyin of a word, syllables run together (公积金 → gongjijin). */
export function wordPinyin(word: string): string {
  let out = '';
  for (const ch of word) out += syllableOf(ch);
  return out;
}

/** Every toneless syllable of Mandarin (ü written v, as typed), read once from pinyin-pro. */
let syllables: ReadonlySet<string> | null = null;
export function allSyllables(): ReadonlySet<string> {
  if (syllables) return syllables;
  let text = '';
  for (let c = 0x4e00; c <= 0x9fa5; c++) text += String.fromCharCode(c);
  syllables = new Set(pinyin(text, { toneType: 'none', type: 'array', v: true }));
  return syllables;
}
const LONGEST_SYLLABLE = 6;

/** Splits Latin text into pinyin syllables, longest first; null when it is not pinyin. */
export function splitPinyin(word: string): string[] | null {
  const inventory = allSyllables();
  const out: string[] = [];
  for (let at = 0; at < word.length; ) {
    let taken = 0;
    for (let len = Math.min(LONGEST_SYLLABLE, word.length - at); len > 0; len--) {
      if (inventory.has(word.slice(at, at + len))) {
        taken = len;
        break;
      }
    }
    if (!taken) return null;
    out.push(word.slice(at, at + taken));
    at += taken;
  }
  return out;
}
