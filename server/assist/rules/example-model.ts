import { normalizeText } from '../normalize.ts';
import type { ExampleRules, LearnedFlag } from './schema.ts';

/**
 * What the detectors learn from `rules/examples.yaml`: for each flag, a logistic regression
 * over the single characters and character pairs of the caller's words (within a phrase: a pause breaks
 * them), trained one flag against the rest. Rules catch what they spell out; the examples
 * teach the ways of saying it no rule spells out (你爹妈没教你…, 让你们横着出去).
 *
 * Training is deterministic (examples in file order, fixed rates) and takes a fraction of a
 * second for a few thousand examples, so it runs whenever the rules load.
 *
 * @example
 *   const model = ExampleModel.train(rules.examples);
 *   model.judge('你等着 下了班别让我碰见'); // [{ flag: 'abuse.threat', probability: 0.8, evidence: ['别让我碰见'] }]
 */
export interface Judgement {
  readonly flag: LearnedFlag;
  readonly probability: number;
  /** The caller's words that weigh most for the flag. */
  readonly evidence: readonly string[];
}

const LONGEST_GRAM = 2;
const EPOCHS = 20;
const RATE = 0.3;
const BIAS_RATE = 0.03;
const L2 = 1e-4;
/** Flags are rare: an example of one counts this many times a counter-example. */
const POSITIVE_WEIGHT = 3;
const INITIAL_BIAS = -2;
const EVIDENCE_GRAMS = 3;
const LONGEST_EVIDENCE = 24;

interface Gram {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** The 1–2-grams of each phrase of the normalised words, with where they stand. */
function grams(text: string): { normalized: string; grams: Gram[] } {
  const normalized = normalizeText(text);
  const out: Gram[] = [];
  let phraseStart = 0;
  for (const phrase of normalized.split(' ')) {
    const chars = [...phrase];
    let offset = phraseStart;
    const starts = chars.map((c) => ((offset += c.length), offset - c.length));
    for (let n = 1; n <= LONGEST_GRAM; n++) {
      for (let i = 0; i + n <= chars.length; i++) {
        const start = starts[i]!;
        const end = starts[i + n - 1]! + chars[i + n - 1]!.length;
        out.push({ text: normalized.slice(start, end), start, end });
      }
    }
    phraseStart += phrase.length + 1;
  }
  return { normalized, grams: out };
}

export class ExampleModel {
  private constructor(
    private readonly vocabulary: ReadonlyMap<string, number>,
    private readonly flags: readonly { readonly flag: LearnedFlag; readonly weights: Float32Array; readonly bias: number }[],
    readonly threshold: number,
  ) {}

  static train(source: ExampleRules): ExampleModel {
    const vocabulary = new Map<string, number>();
    const rows = source.examples.map((e) => {
      const ids = new Set<number>();
      for (const g of grams(e.text).grams) {
        let id = vocabulary.get(g.text);
        if (id === undefined) vocabulary.set(g.text, (id = vocabulary.size));
        ids.add(id);
      }
      return { ids: Int32Array.from(ids), flags: new Set<string>(e.flags), allow: new Set<string>(e.allow) };
    });
    const learned = new Set(source.examples.flatMap((e) => e.flags));
    const flags = [...learned].sort().map((flag) => {
      const weights = new Float32Array(vocabulary.size);
      let bias = INITIAL_BIAS;
      for (let epoch = 0; epoch < EPOCHS; epoch++) {
        for (const row of rows) {
          if (row.allow.has(flag) || !row.ids.length) continue;
          const y = row.flags.has(flag) ? 1 : 0;
          let z = bias;
          for (const id of row.ids) z += weights[id]!;
          const error = (y ? POSITIVE_WEIGHT : 1) * (1 / (1 + Math.exp(-z)) - y);
          bias -= BIAS_RATE * error;
          const step = RATE * (error / Math.sqrt(row.ids.length));
          for (const id of row.ids) weights[id]! -= step + RATE * L2 * weights[id]!;
        }
      }
      return { flag: flag as LearnedFlag, weights, bias };
    });
    return new ExampleModel(vocabulary, flags, source.threshold);
  }

  /** The flags the examples say these words raise, at or above the threshold, most likely first. */
  judge(text: string): Judgement[] {
    const { normalized, grams: found } = grams(text);
    const known: KnownGram[] = [];
    const ids = new Set<number>();
    for (const g of found) {
      const id = this.vocabulary.get(g.text);
      if (id === undefined) continue;
      known.push({ start: g.start, end: g.end, id });
      ids.add(id);
    }
    const out: Judgement[] = [];
    for (const { flag, weights, bias } of this.flags) {
      let z = bias;
      for (const id of ids) z += weights[id]!;
      const probability = 1 / (1 + Math.exp(-z));
      if (probability >= this.threshold) out.push({ flag, probability, evidence: evidenceOf(normalized, known, weights) });
    }
    return out.sort((a, b) => b.probability - a.probability);
  }
}

interface KnownGram {
  readonly start: number;
  readonly end: number;
  readonly id: number;
}

/**
 * The phrases (between pauses) that hold the few heaviest grams, in the caller's order: a
 * learned judgement weighs many small pieces, so the operator is shown the words around them.
 */
function evidenceOf(normalized: string, known: readonly KnownGram[], weights: Float32Array): string[] {
  const heaviest = known
    .filter((g) => g.end - g.start >= 2 && weights[g.id]! > 0)
    .sort((a, b) => weights[b.id]! - weights[a.id]!)
    .slice(0, EVIDENCE_GRAMS);
  const phrases = new Map<number, string>();
  for (const g of heaviest) {
    const start = normalized.lastIndexOf(' ', g.start - 1) + 1;
    const end = normalized.indexOf(' ', g.end);
    const phrase = normalized.slice(start, end < 0 ? normalized.length : end);
    // A long phrase is cut around the gram, so the evidence stays a glance.
    phrases.set(start, phrase.length > LONGEST_EVIDENCE ? normalized.slice(Math.max(start, g.start - 8), Math.min(start + phrase.length, g.end + 8)) : phrase);
  }
  return [...phrases].sort(([a], [b]) => a - b).map(([, p]) => p);
}
