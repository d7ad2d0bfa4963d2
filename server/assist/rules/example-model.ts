import { isHan, normalizeText } from '../normalize.ts';
import { splitPinyin, syllableOf } from '../pinyin.ts';

import type { Intent } from '../../ivr/flow.ts';
import type { ExampleRules, LearnedFlag } from './schema.ts';
import { keepCached, modelKey, readCached } from './trained-models.ts';

/**
 * What the detectors learn from `rules/examples.yaml`: for each flag, a logistic regression
 * over the single characters and character pairs of the caller's words (within a phrase: a pause breaks
 * them) and over pairs of their syllables (so a homophone weighs what the word does), trained
 * one flag against the rest. Rules catch what they spell out; the examples
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

/** The 1–2-grams of each phrase of the normalised words and their sound pairs, with where they stand. */
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
  out.push(...soundGrams(normalized));
  return { normalized, grams: out };
}

interface Classifier<L extends string> {
  readonly label: L;
  readonly weights: Float32Array;
  readonly bias: number;
}

interface Row {
  readonly ids: Int32Array;
  readonly flags: ReadonlySet<string>;
  readonly allow: ReadonlySet<string>;
  readonly intent: Intent | undefined;
  readonly department: string | undefined;
}

export interface LearnedIntent {
  readonly intent: Intent;
  readonly probability: number;
}

/** The department calls like this were dispatched to, as the labelled examples teach it. */
export interface LearnedDepartment {
  readonly department: string;
  readonly probability: number;
}

/** The bytes' layout; a model kept in another is trained again. */
const FORMAT = 2;

const KEPT_MODELS = 3;
const recent = new Map<string, ExampleModel>();

export class ExampleModel {
  /** The last words read, so judging flags and intent of one utterance reads it once. */
  private last: { text: string; normalized: string; known: KnownGram[]; ids: Int32Array; departments?: Float64Array } | null = null;

  private constructor(
    private readonly vocabulary: ReadonlyMap<string, number>,
    private readonly flags: readonly Classifier<LearnedFlag>[],
    private readonly intents: readonly Classifier<Intent>[],
    private readonly departments: readonly Classifier<string>[],
    private readonly thresholds: ExampleRules['thresholds'],
    readonly threshold: number,
    readonly intentThreshold: number,
    /** When routing takes the learned department (examples.yaml `department`). */
    readonly departmentThresholds: ExampleRules['department'],
  ) {}

  /**
   * The model for these examples: trained once per content and kept while it is among the last
   * few, so a reload that changed another rule file (abuse.yaml) does not train again (~3 s);
   * the weights are also kept on disk (trained-models.ts) for the next process.
   */
  static for(source: ExampleRules): ExampleModel {
    // The weights depend on the examples only; the thresholds are read with them.
    const weightsKey = modelKey(JSON.stringify(source.examples));
    const key = `${weightsKey} ${JSON.stringify([source.threshold, source.thresholds, source.intentThreshold, source.department])}`;
    let model = recent.get(key);
    if (!model) {
      model = ExampleModel.fromBytes(readCached(weightsKey), source) ?? undefined;
      if (!model) keepCached(weightsKey, (model = ExampleModel.train(source)).toBytes());
      if (recent.size >= KEPT_MODELS) recent.delete(recent.keys().next().value!);
    } else recent.delete(key);
    recent.set(key, model);
    return model;
  }

  /** The trained weights as bytes: a JSON header (vocabulary, labels, biases), then the weights as float32. */
  toBytes(): Uint8Array {
    const classifiers = [...this.flags, ...this.intents, ...this.departments];
    const labels = (list: readonly Classifier<string>[]) => list.map(({ label, bias }) => ({ label, bias }));
    const header = Buffer.from(JSON.stringify({ format: FORMAT, vocabulary: [...this.vocabulary.keys()], flags: labels(this.flags), intents: labels(this.intents), departments: labels(this.departments) }), 'utf8');
    const start = 4 + header.length + ((4 - ((4 + header.length) % 4)) % 4);
    const out = new Uint8Array(start + classifiers.length * this.vocabulary.size * 4);
    new DataView(out.buffer).setUint32(0, header.length, true);
    out.set(header, 4);
    classifiers.forEach((c, i) => out.set(new Uint8Array(c.weights.buffer, c.weights.byteOffset, c.weights.byteLength), start + i * this.vocabulary.size * 4));
    return out;
  }

  /** The model `toBytes` wrote, with the thresholds of `source`; null for anything else. */
  static fromBytes(bytes: Uint8Array | null, source: ExampleRules): ExampleModel | null {
    try {
      if (!bytes || bytes.length < 4) return null;
      const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
      const header = JSON.parse(Buffer.from(bytes.subarray(4, 4 + length)).toString('utf8')) as {
        format: number;
        vocabulary: string[];
        flags: { label: LearnedFlag; bias: number }[];
        intents: { label: Intent; bias: number }[];
        departments: { label: string; bias: number }[];
      };
      const size = header.vocabulary.length;
      const start = 4 + length + ((4 - ((4 + length) % 4)) % 4);
      if (header.format !== FORMAT || bytes.length !== start + (header.flags.length + header.intents.length + header.departments.length) * size * 4) return null;
      // Copied out: a Buffer's slice is a view on a shared pool, not an aligned array of its own.
      const weights = (i: number) => {
        const w = new Float32Array(size);
        new Uint8Array(w.buffer).set(bytes.subarray(start + i * size * 4, start + (i + 1) * size * 4));
        return w;
      };
      const flags = header.flags.map((c, i) => ({ ...c, weights: weights(i) }));
      const intents = header.intents.map((c, i) => ({ ...c, weights: weights(header.flags.length + i) }));
      const departments = header.departments.map((c, i) => ({ ...c, weights: weights(header.flags.length + header.intents.length + i) }));
      return new ExampleModel(new Map(header.vocabulary.map((g, i) => [g, i])), flags, intents, departments, source.thresholds, source.threshold, source.intentThreshold, source.department);
    } catch {
      return null;
    }
  }

  static train(source: ExampleRules): ExampleModel {
    const vocabulary = new Map<string, number>();
    const rows: Row[] = source.examples.map((e) => {
      const ids = new Set<number>();
      for (const g of grams(e.text).grams) {
        let id = vocabulary.get(g.text);
        if (id === undefined) vocabulary.set(g.text, (id = vocabulary.size));
        ids.add(id);
      }
      return { ids: Int32Array.from(ids), flags: new Set<string>(e.flags), allow: new Set<string>(e.allow), intent: e.intent, department: e.department };
    });
    const size = vocabulary.size;
    const learned = [...new Set(source.examples.flatMap((e) => e.flags))].sort() as LearnedFlag[];
    // A flag against the rest: its examples, and every other example not allowed it.
    const flags = learned.map((flag) => fit(flag, size, rows, (row) => (row.allow.has(flag) ? null : row.flags.has(flag))));
    // An intent against the other intents, on the examples labelled with one.
    const labelled = [...new Set(rows.flatMap((r) => (r.intent ? [r.intent] : [])))].sort();
    const intents = labelled.map((intent) => fit(intent, size, rows, (row) => (row.intent ? row.intent === intent : null)));
    // A department against the others, on the examples labelled with where they were dispatched.
    const dispatched = [...new Set(rows.flatMap((r) => (r.department ? [r.department] : [])))].sort();
    const departments = dispatched.map((d) => fit(d, size, rows, (row) => (row.department ? row.department === d : null)));
    return new ExampleModel(vocabulary, flags, intents, departments, source.thresholds, source.threshold, source.intentThreshold, source.department);
  }

  /** The probability at or above which the examples raise a flag. */
  thresholdOf(flag: LearnedFlag): number {
    return this.thresholds[flag] ?? this.threshold;
  }

  /** The flags the examples say these words raise, at or above their thresholds, most likely first. */
  judge(text: string): Judgement[] {
    const { normalized, known, ids } = this.read(text);
    const out: Judgement[] = [];
    for (const { label, weights, bias } of this.flags) {
      const probability = score(weights, bias, ids);
      if (probability >= this.thresholdOf(label)) out.push({ flag: label, probability, evidence: evidenceOf(normalized, known, weights) });
    }
    return out.sort((a, b) => b.probability - a.probability);
  }

  /** How likely the examples say these words raise a flag (0 for a flag they do not teach). */
  probabilityOf(text: string, flag: LearnedFlag): number {
    const c = this.flags.find((f) => f.label === flag);
    return c ? score(c.weights, c.bias, this.read(text).ids) : 0;
  }

  /** The kind of request the labelled examples say these words are, when one is at or above its threshold. */
  intentOf(text: string): LearnedIntent | null {
    const { ids } = this.read(text);
    let best: LearnedIntent | null = null;
    for (const { label, weights, bias } of this.intents) {
      const probability = score(weights, bias, ids);
      if (probability >= this.intentThreshold && (!best || probability > best.probability)) best = { intent: label, probability };
    }
    return best;
  }

  /** How likely the labelled examples say calls like this go to `department`; null for a department they do not teach. */
  departmentProbability(text: string, department: string): number | null {
    const i = this.departments.findIndex((d) => d.label === department);
    return i < 0 ? null : this.departmentScores(text)[i]!;
  }

  /** The department the labelled examples say calls like this go to, however sure; null when none is taught. */
  departmentOf(text: string): LearnedDepartment | null {
    const scores = this.departmentScores(text);
    let best = -1;
    for (let i = 0; i < scores.length; i++) if (best < 0 || scores[i]! > scores[best]!) best = i;
    return best < 0 ? null : { department: this.departments[best]!.label, probability: scores[best]! };
  }

  /** Every department's probability for these words, worked out once per text (routing asks twice). */
  private departmentScores(text: string): Float64Array {
    const read = this.read(text);
    read.departments ??= Float64Array.from(this.departments, ({ weights, bias }) => score(weights, bias, read.ids));
    return read.departments;
  }

  private read(text: string) {
    if (this.last?.text === text) return this.last;
    const { normalized, grams: found } = grams(text);
    const known: KnownGram[] = [];
    const ids = new Set<number>();
    for (const g of found) {
      const id = this.vocabulary.get(g.text);
      if (id === undefined) continue;
      known.push({ start: g.start, end: g.end, id });
      ids.add(id);
    }
    return (this.last = { text, normalized, known, ids: Int32Array.from(ids) });
  }
}

/**
 * Logistic regression by stochastic gradient descent; `target` says what a row is for this label
 * (null: skip it). The rows it learns from are picked once, not in every epoch, and read by
 * index: about a fifth less time for 16,000 examples (6.0–6.3 s against 7.0–8.1 s), with the same
 * arithmetic, so the weights are the same to the byte.
 */
function fit<L extends string>(label: L, size: number, rows: readonly Row[], target: (row: Row) => boolean | null): Classifier<L> {
  const used = rows.flatMap((row) => {
    const t = target(row);
    return t === null || !row.ids.length ? [] : [{ ids: row.ids, y: t ? 1 : 0, root: Math.sqrt(row.ids.length) }];
  });
  const weights = new Float32Array(size);
  let bias = INITIAL_BIAS;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (const { ids, y, root } of used) {
      let z = bias;
      for (let i = 0; i < ids.length; i++) z += weights[ids[i]!]!;
      const error = (y ? POSITIVE_WEIGHT : 1) * (1 / (1 + Math.exp(-z)) - y);
      bias -= BIAS_RATE * error;
      const step = RATE * (error / root);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        weights[id]! -= step + RATE * L2 * weights[id]!;
      }
    }
  }
  return { label, weights, bias };
}

function score(weights: Float32Array, bias: number, ids: Int32Array): number {
  let z = bias;
  for (let i = 0; i < ids.length; i++) z += weights[ids[i]!]!;
  return 1 / (1 + Math.exp(-z));
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

/**
 * Sound grams: pairs of toneless syllables within a run, Han characters read as pinyin and
 * typed pinyin split into syllables (a run of Latin words goes on across spaces), so 沙比,
 * 傻逼 and "sha bi" share what they weigh.
 */
function soundGrams(normalized: string): Gram[] {
  const out: Gram[] = [];
  let run: { s: string; start: number; end: number }[] = [];
  const flush = () => {
    // `~` keeps a sound pair apart from the Latin letters of the text itself.
    for (let i = 0; i + 1 < run.length; i++) out.push({ text: `~${run[i]!.s}_${run[i + 1]!.s}`, start: run[i]!.start, end: run[i + 1]!.end });
    run = [];
  };
  let at = 0;
  for (const word of normalized.split(' ')) {
    const start = at;
    at += word.length + 1;
    if (!word) continue;
    if (/^[a-z]+$/.test(word)) {
      const syllables = splitPinyin(word);
      if (syllables) for (const s of syllables) run.push({ s, start, end: start + word.length });
      else flush();
      continue;
    }
    flush();
    let offset = start;
    for (const ch of word) {
      if (isHan(ch)) run.push({ s: syllableOf(ch), start: offset, end: offset + ch.length });
      else flush();
      offset += ch.length;
    }
    flush();
  }
  flush();
  return out;
}
