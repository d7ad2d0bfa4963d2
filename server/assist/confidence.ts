/**
 * Turns ranking evidence into a 0–1 score that reads as "how likely this is the caller's
 * question", so one threshold means the same for a short question and a long ramble.
 * Logistic over three features:
 *  - coverage: the share of the query's informative weight (IDF × term weight) the scenario matches;
 *  - bm25: the raw ranking score, on a log scale (more matched evidence, more confidence);
 *  - margin: how far the best is ahead of the runner-up (only for the best).
 * The coefficients were fitted on held-out caller phrasings of the knowledge base and
 * off-topic sentences (see `npm run kb -- calibrate`).
 */
export interface Evidence {
  readonly bm25: number;
  readonly coverage: number;
  readonly margin: number;
}

export interface Calibration {
  readonly coverage: number;
  readonly bm25: number;
  readonly margin: number;
  readonly bias: number;
}

export const DEFAULT_CALIBRATION: Calibration = { coverage: 6, bm25: 1.2, margin: 0.6, bias: -6 };

export function confidence(e: Evidence, c: Calibration = DEFAULT_CALIBRATION): number {
  const z = c.coverage * e.coverage + c.bm25 * Math.log1p(e.bm25) + c.margin * Math.log1p(e.margin) + c.bias;
  return 1 / (1 + Math.exp(-z));
}
