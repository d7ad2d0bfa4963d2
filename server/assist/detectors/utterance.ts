import { normalizeText } from '../normalize.ts';
import { placeOf } from '../place.ts';
import type { Suggestion } from '../suggestion.ts';

/** What every detector reads: the caller's words in the forms detectors match on, and what retrieval made of them. */
export interface Utterance {
  readonly raw: string;
  /** Normalised (simplified, lower case, half-width), punctuation as single spaces. */
  readonly text: string;
  /** The same without spaces: words split by a pause still match. */
  readonly compact: string;
  readonly suggestions: readonly Suggestion[];
  /** Keyed hash of the caller's number; null when unknown. */
  readonly callerHash: string | null;
  readonly atMs: number;
  /** The caller's content words (fillers and question frames left out). */
  readonly contentWords: readonly string[];
  /** The place the caller names (和平路), or null. */
  readonly place: string | null;
}

export function utterance(raw: string, suggestions: readonly Suggestion[], callerHash: string | null, atMs: number, contentWords: readonly string[]): Utterance {
  const text = normalizeText(raw);
  return { raw, text, compact: text.replace(/ /g, ''), suggestions, callerHash, atMs, contentWords, place: placeOf(text) };
}

/**
 * The utterance with some words blanked out: an insult is not content, so the words of
 * one (煞笔) must not read as a request's words (煞 of 风水) to the other detectors.
 * Words are matched in the normalised text, where detectors read.
 */
export function withoutWords(u: Utterance, words: readonly string[]): Utterance {
  let text = u.text;
  for (const w of words) if (w) text = text.split(w).join(' ');
  if (text === u.text) return u;
  text = text.replace(/ +/g, ' ').trim();
  return { ...u, text, compact: text.replace(/ /g, '') };
}
