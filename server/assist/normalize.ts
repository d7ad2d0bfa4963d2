import * as OpenCC from 'opencc-js';

/**
 * Brings what a recogniser or a typist produces to one form before it is segmented:
 * full-width letters and digits to half-width (NFKC), traditional characters to
 * simplified, letters to lower case, and runs of whitespace and punctuation to one space.
 * Text beyond `MAX_QUERY_CHARS` is cut: a request is a sentence or two, and a runaway
 * transcript must not cost the live path more than a long sentence does.
 */
export const MAX_QUERY_CHARS = 400;

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

// Anything that is not a letter or a digit of any script separates words.
const SEPARATORS = /[^\p{L}\p{N}]+/gu;

export function normalizeText(raw: string, maxChars = MAX_QUERY_CHARS): string {
  // Keep the end: on a live call the newest words are the caller's current request.
  const text = raw.length > maxChars * 2 ? raw.slice(-maxChars * 2) : raw;
  const out = toSimplified(text.normalize('NFKC')).toLowerCase().replace(SEPARATORS, ' ').trim();
  return out.length > maxChars ? out.slice(-maxChars) : out;
}

const CJK = /\p{Script=Han}/u;
export function isHan(ch: string): boolean {
  return CJK.test(ch);
}
