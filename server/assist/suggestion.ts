import type { KbScenario } from '../knowledge/knowledge-base.ts';
import type { Answer } from '../knowledge/schema.ts';

/** A knowledge-base answer suggested for what a caller said (the console, the IVR and `analyze` all see this). */
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

export interface SearchResult {
  readonly suggestions: readonly Suggestion[];
  /** The best candidate even when it is below the threshold (for reviewing misses). */
  readonly best: Suggestion | null;
  /** The caller's content words (fillers and question frames left out), as they said them. */
  readonly words: readonly string[];
}
