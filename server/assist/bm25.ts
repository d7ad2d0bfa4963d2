/**
 * A BM25 inverted index over weighted term counts, with terms interned to numbers by a
 * `Vocabulary` several indexes share. Documents are added once as (term id, count) lists;
 * `freeze()` counts each term's documents, then lays all postings out by term in one pair
 * of typed arrays with an offset per term — no per-term objects, no growing arrays, a
 * small heap and a fast build. A search walks only the postings of the query's terms, so
 * its cost grows with how common those terms are, not with the number of documents.
 */
export const K1 = 1.2;
export const B = 0.75;

/** Term strings ↔ numbers, shared by the indexes of one knowledge-base version. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  /** The first character's code of each term: its kind, in `kind:text` terms. */
  private kinds = new Uint16Array(1024);

  /** The term's number, given one if it is new (building). */
  intern(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
      if (id >= this.kinds.length) {
        const grown = new Uint16Array(this.kinds.length * 2);
        grown.set(this.kinds);
        this.kinds = grown;
      }
      this.kinds[id] = term.charCodeAt(0);
    }
    return id;
  }

  /** The first character's code of a term (`w`, `b`, `p`, `j`). */
  kind(id: number): number {
    return this.kinds[id]!;
  }

  /** The term's number, or undefined when no document has it (searching). */
  find(term: string): number | undefined {
    return this.ids.get(term);
  }

  get size(): number {
    return this.terms.length;
  }
}

export class Bm25Index {
  // While building: every document's terms, end to end.
  private docTerms: number[] = [];
  private docCounts: number[] = [];
  private readonly docEnds: number[] = [];
  private readonly lengths: number[] = [];
  // After freezing: term id → postings `docs/tfs[offsets[id] .. offsets[id + 1])`.
  private offsets = new Int32Array(1);
  private docs = new Int32Array(0);
  private tfs = new Float32Array(0);
  private idfs = new Float64Array(0);
  private norms = new Float32Array(0);
  private frozen = false;

  constructor(readonly vocabulary: Vocabulary) {}

  get size(): number {
    return this.lengths.length;
  }

  /** Adds a document: `count` terms of `ids` with their weighted `counts`. Returns its number. */
  add(ids: ArrayLike<number>, counts: ArrayLike<number>, count = ids.length): number {
    if (this.frozen) throw new Error('Bm25Index: add after freeze');
    let length = 0;
    for (let i = 0; i < count; i++) {
      if (counts[i]! <= 0) continue;
      this.docTerms.push(ids[i]!);
      this.docCounts.push(counts[i]!);
      length += counts[i]!;
    }
    this.docEnds.push(this.docTerms.length);
    this.lengths.push(length);
    return this.lengths.length - 1;
  }

  freeze(): void {
    if (this.frozen) return;
    const n = this.lengths.length;
    const terms = this.vocabulary.size;
    const avg = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
    this.norms = Float32Array.from(this.lengths, (len) => K1 * (1 - B + (B * len) / Math.max(avg, 1e-9)));
    // Counting sort by term: count, prefix-sum into offsets, then place.
    const offsets = new Int32Array(terms + 1);
    for (const id of this.docTerms) offsets[id + 1]!++;
    for (let id = 0; id < terms; id++) offsets[id + 1]! += offsets[id]!;
    const next = offsets.slice(0, terms);
    this.docs = new Int32Array(this.docTerms.length);
    this.tfs = new Float32Array(this.docTerms.length);
    let start = 0;
    for (let doc = 0; doc < n; doc++) {
      const end = this.docEnds[doc]!;
      for (let i = start; i < end; i++) {
        const at = next[this.docTerms[i]!]!++;
        this.docs[at] = doc;
        this.tfs[at] = this.docCounts[i]!;
      }
      start = end;
    }
    this.idfs = new Float64Array(terms);
    for (let id = 0; id < terms; id++) {
      const df = offsets[id + 1]! - offsets[id]!;
      this.idfs[id] = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    }
    this.offsets = offsets;
    this.docTerms = [];
    this.docCounts = [];
    this.frozen = true;
  }

  /** How many documents have the term (0 for a term of the vocabulary this index lacks). */
  df(id: number | undefined): number {
    if (id === undefined || id + 1 >= this.offsets.length) return 0;
    return this.offsets[id + 1]! - this.offsets[id]!;
  }

  has(id: number | undefined): boolean {
    return this.df(id) > 0;
  }

  /** Inverse document frequency; a term no document has gets the highest there could be. */
  idf(id: number | undefined): number {
    return this.df(id) > 0 ? this.idfs[id!]! : Math.log(1 + (this.size + 0.5) / 0.5);
  }

  /** Every term this index has, with how many documents have it. */
  *terms(): IterableIterator<[string, number]> {
    for (let id = 0; id + 1 < this.offsets.length; id++) {
      const df = this.offsets[id + 1]! - this.offsets[id]!;
      if (df > 0) yield [this.vocabulary.terms[id]!, df];
    }
  }

  /**
   * Adds `weight × BM25(term)` to `scores` for every document with the term, and
   * `coverage` to `covered` of those documents (how much of the query each one explains)
   * unless `stamps` shows the term already counted there. `touched` collects the
   * documents scored, so the caller resets only those.
   */
  accumulate(id: number, weight: number, scores: Float64Array, touched: number[], covered: Float64Array, coverage: number, stamps: Int32Array, stamp: number): void {
    if (!this.has(id)) return;
    const idf = this.idfs[id]! * weight;
    const end = this.offsets[id + 1]!;
    for (let i = this.offsets[id]!; i < end; i++) {
      const d = this.docs[i]!;
      const tf = this.tfs[i]!;
      if (scores[d] === 0) touched.push(d);
      scores[d]! += (idf * tf * (K1 + 1)) / (tf + this.norms[d]!);
      // A term found in two fields of a document covers the query once.
      if (stamps[d] !== stamp) {
        stamps[d] = stamp;
        covered[d]! += coverage;
      }
    }
  }

  /** Adds `weight × BM25(term)` to `scores` only (documents whose coverage nobody reads). */
  accumulateScores(id: number, weight: number, scores: Float64Array, touched: number[]): void {
    if (!this.has(id)) return;
    const idf = this.idfs[id]! * weight;
    const end = this.offsets[id + 1]!;
    for (let i = this.offsets[id]!; i < end; i++) {
      const d = this.docs[i]!;
      const tf = this.tfs[i]!;
      if (scores[d] === 0) touched.push(d);
      scores[d]! += (idf * tf * (K1 + 1)) / (tf + this.norms[d]!);
    }
  }

  /** BM25 of every document for a few terms, without the bookkeeping: small indexes (one scenario's sub-scenarios). */
  scoreAll(terms: Iterable<readonly [string, number]>): Float64Array {
    const scores = new Float64Array(this.size);
    for (const [term, weight] of terms) {
      const id = this.vocabulary.find(term);
      if (id === undefined || !this.has(id)) continue;
      const idf = this.idfs[id]! * weight;
      for (let i = this.offsets[id]!; i < this.offsets[id + 1]!; i++) {
        const d = this.docs[i]!;
        const tf = this.tfs[i]!;
        scores[d]! += (idf * tf * (K1 + 1)) / (tf + this.norms[d]!);
      }
    }
    return scores;
  }
}

/** Sums weighted counts by term number for one document, then hands them to an index and resets. */
export class TermSums {
  private sums = new Float64Array(1024);
  private readonly touched: number[] = [];

  add(id: number, count: number): void {
    if (id >= this.sums.length) {
      const grown = new Float64Array(Math.max(id + 1, this.sums.length * 2));
      grown.set(this.sums);
      this.sums = grown;
    }
    if (this.sums[id] === 0) this.touched.push(id);
    this.sums[id]! += count;
  }

  flushInto(index: Bm25Index): void {
    const counts = this.touched.map((id) => this.sums[id]!);
    index.add(this.touched, counts);
    for (const id of this.touched) this.sums[id] = 0;
    this.touched.length = 0;
  }
}
