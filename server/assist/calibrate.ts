import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { features, type Calibration, type Evidence } from './confidence.ts';
import { KnowledgeIndex } from './knowledge-index.ts';

/**
 * Fits the score's coefficients so that a score reads as a probability of being right.
 *
 * Samples come from the knowledge base itself, by k-fold: each fold's caller phrasings
 * are taken out, the index is built without them, and each is asked as a question —
 * the best candidate is a positive sample when it is the phrasing's scenario, a negative
 * one otherwise. The off-topic sentences are asked too, and their best candidate is always
 * negative. A logistic regression (L2, gradient descent) over `features()` does the rest.
 */
export interface CalibrationReport {
  readonly calibration: Calibration;
  readonly samples: { readonly positive: number; readonly negative: number; readonly offTopic: number };
  /** Share of held-out phrasings whose scenario ranked first. */
  readonly heldOutTop1: number;
  /** With the fitted scores: share of held-out phrasings answered at the threshold, share of those right, and off-topic sentences wrongly answered. */
  readonly atThreshold: { readonly threshold: number; readonly answered: number; readonly precision: number; readonly offTopicAnswered: number };
}

interface Sample {
  readonly x: readonly number[];
  readonly y: 0 | 1;
  readonly offTopic: boolean;
}

export function calibrate(kb: KnowledgeBase, options: { folds?: number; threshold?: number } = {}): CalibrationReport {
  const folds = options.folds ?? 4;
  const threshold = options.threshold ?? 0.35;
  const samples: Sample[] = [];
  let asked = 0;
  let first = 0;
  const sample = (evidence: Evidence | undefined, y: 0 | 1, offTopic: boolean) => {
    if (evidence) samples.push({ x: features(evidence), y, offTopic });
  };
  for (let fold = 0; fold < folds; fold++) {
    const heldOut: { text: string; id: string }[] = [];
    const scenarios = kb.scenarios.map((s) => ({
      ...s,
      phrasings: s.phrasings.filter((text, i) => {
        if (i % folds !== fold) return true;
        heldOut.push({ text, id: s.id });
        return false;
      }),
    }));
    const index = KnowledgeIndex.build({ ...kb, scenarios });
    for (const { text, id } of heldOut) {
      const [best] = index.explain(text, 1);
      asked++;
      if (best?.id === id) first++;
      sample(best?.evidence, best?.id === id ? 1 : 0, false);
    }
    if (fold === 0) for (const text of kb.offTopic) sample(index.explain(text, 1)[0]?.evidence, 0, true);
  }
  const calibration = fit(samples);
  const score = (x: readonly number[]) => sigmoid(dot(weights(calibration), x) + calibration.bias);
  const phrasings = samples.filter((s) => !s.offTopic);
  const answered = phrasings.filter((s) => score(s.x) >= threshold);
  const offTopic = samples.filter((s) => s.offTopic);
  return {
    calibration,
    samples: { positive: samples.filter((s) => s.y === 1).length, negative: samples.filter((s) => s.y === 0 && !s.offTopic).length, offTopic: offTopic.length },
    heldOutTop1: round(first / Math.max(1, asked)),
    atThreshold: {
      threshold,
      answered: round(answered.length / Math.max(1, phrasings.length)),
      precision: round(answered.filter((s) => s.y === 1).length / Math.max(1, answered.length)),
      offTopicAnswered: round(offTopic.filter((s) => score(s.x) >= threshold).length / Math.max(1, offTopic.length)),
    },
  };
}

const FEATURES = 4;

function weights(c: Calibration): number[] {
  return [c.coverage, c.bm25, c.margin, c.mass];
}

/** Logistic regression by batch gradient descent; off-topic samples weigh as much as all wrong phrasings, so "nothing fits" is learnt. */
function fit(samples: readonly Sample[], iterations = 20_000, rate = 0.5, l2 = 0.001): Calibration {
  const w = new Array<number>(FEATURES).fill(0);
  let b = 0;
  const offTopic = samples.filter((s) => s.offTopic).length;
  const wrong = samples.filter((s) => s.y === 0 && !s.offTopic).length;
  const weightOf = (s: Sample) => (s.offTopic && offTopic ? Math.max(1, wrong / offTopic) : 1);
  const total = samples.reduce((n, s) => n + weightOf(s), 0);
  for (let step = 0; step < iterations; step++) {
    const grad = new Array<number>(FEATURES).fill(0);
    let gradB = 0;
    for (const s of samples) {
      const error = (sigmoid(dot(w, s.x) + b) - s.y) * weightOf(s);
      for (let j = 0; j < FEATURES; j++) grad[j]! += error * s.x[j]!;
      gradB += error;
    }
    for (let j = 0; j < FEATURES; j++) w[j]! -= rate * (grad[j]! / total + l2 * w[j]!);
    b -= (rate * gradB) / total;
  }
  const [coverage, bm25, margin, mass] = w.map(round) as [number, number, number, number];
  return { coverage, bm25, margin, mass, bias: round(b) };
}

function dot(w: readonly number[], x: readonly number[]): number {
  let sum = 0;
  for (let j = 0; j < w.length; j++) sum += w[j]! * x[j]!;
  return sum;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
