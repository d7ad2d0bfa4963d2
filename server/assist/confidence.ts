import { z } from 'zod';

/**
 * Turns ranking evidence into a 0–1 score that reads as "how likely this is the caller's
 * question", so one threshold means the same for a short question and a long ramble.
 * Logistic over four features of a candidate:
 *  - coverage: the share of the query's informative weight (IDF × term weight) it matches;
 *  - bm25: its ranking score, on a log scale (more matched evidence, more confidence);
 *  - margin: how far the best is ahead of the runner-up (0 for the others);
 *  - mass: how much the query says at all (log of its informative weight): "几点" alone
 *    is less to go on than "社保卡丢了怎么补办".
 * The coefficients are fitted by `npm run kb -- calibrate` on held-out caller phrasings of
 * the knowledge base and the sentences in `knowledge/off-topic.txt`, and stored in
 * `knowledge/calibration.json`; these defaults are that fit on the shipped sample.
 */
export interface Evidence {
  readonly coverage: number;
  readonly bm25: number;
  readonly margin: number;
  readonly mass: number;
}

export const calibrationSchema = z.strictObject({
  coverage: z.number(),
  bm25: z.number(),
  margin: z.number(),
  mass: z.number(),
  bias: z.number(),
});
export type Calibration = z.infer<typeof calibrationSchema>;

export const DEFAULT_CALIBRATION: Calibration = { coverage: 6, bm25: 1.2, margin: 0.6, mass: 0, bias: -6 };

export function features(e: Evidence): [number, number, number, number] {
  return [e.coverage, Math.log1p(e.bm25), Math.log1p(e.margin), Math.log1p(e.mass)];
}

export function confidence(e: Evidence, c: Calibration = DEFAULT_CALIBRATION): number {
  const [coverage, bm25, margin, mass] = features(e);
  const z = c.coverage * coverage + c.bm25 * bm25 + c.margin * margin + c.mass * mass + c.bias;
  return 1 / (1 + Math.exp(-z));
}
