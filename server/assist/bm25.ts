/**
 * A BM25 inverted index over weighted term counts. Documents are added once, then
 * `freeze()` packs every posting list into one pair of typed arrays (documents, term
 * frequencies) with an offset per term: a few large arrays instead of one small pair per
 * term, which keeps the heap small and the build fast. A search walks only the postings
 * of the query's terms, so its cost grows with how common those terms are, not with the
 * number of documents.
 */
export const K1 = 1.2;
export const B = 0.75;

export class Bm25Index {
  /** While building: term → its postings as plain arrays. */
  private building: Map<string, { docs: number[]; tfs: number[] }> | null = new Map();
  private readonly lengths: number[] = [];
  /** After freezing: term → its number; its postings are `docs/tfs[offsets[n] .. offsets[n+1])`. */
  private readonly ids = new Map<string, number>();
  private offsets = new Int32Array(0);
  private docs = new Int32Array(0);
  private tfs = new Float32Array(0);
  private idfs = new Float64Array(0);
  private norms = new Float32Array(0);

  get size(): number {
    return this.lengths.length;
  }

  /** Adds a document; `terms` maps term → weighted count. Returns its number. */
  add(terms: ReadonlyMap<string, number>): number {
    if (!this.building) throw new Error('Bm25Index: add after freeze');
    const doc = this.lengths.length;
    let length = 0;
    for (const [term, tf] of terms) {
      if (tf <= 0) continue;
      let p = this.building.get(term);
      if (!p) this.building.set(term, (p = { docs: [], tfs: [] }));
      p.docs.push(doc);
      p.tfs.push(tf);
      length += tf;
    }
    this.lengths.push(length);
    return doc;
  }

  freeze(): void {
    if (!this.building) return;
    const n = this.lengths.length;
    const avg = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
    this.norms = Float32Array.from(this.lengths, (len) => K1 * (1 - B + (B * len) / Math.max(avg, 1e-9)));
    let total = 0;
    for (const p of this.building.values()) total += p.docs.length;
    this.offsets = new Int32Array(this.building.size + 1);
    this.docs = new Int32Array(total);
    this.tfs = new Float32Array(total);
    this.idfs = new Float64Array(this.building.size);
    let at = 0;
    let id = 0;
    for (const [term, p] of this.building) {
      this.ids.set(term, id);
      this.offsets[id] = at;
      this.docs.set(p.docs, at);
      this.tfs.set(p.tfs, at);
      at += p.docs.length;
      this.idfs[id] = Math.log(1 + (n - p.docs.length + 0.5) / (p.docs.length + 0.5));
      id++;
    }
    this.offsets[id] = at;
    this.building = null;
  }

  /** Inverse document frequency; a term no document has gets the highest there could be. */
  idf(term: string): number {
    const id = this.ids.get(term);
    return id === undefined ? Math.log(1 + (this.size + 0.5) / 0.5) : this.idfs[id]!;
  }

  /** Every term, with how many documents have it. */
  *terms(): IterableIterator<[string, number]> {
    for (const [term, id] of this.ids) yield [term, this.offsets[id + 1]! - this.offsets[id]!];
  }

  has(term: string): boolean {
    return this.ids.has(term);
  }

  /**
   * Adds `weight × BM25(term)` to `scores` for every document with the term, and
   * `coverage` to `covered` of those documents (how much of the query each one explains)
   * unless `stamps` shows the term already counted there. `touched` collects the
   * documents scored, so the caller resets only those.
   */
  accumulate(term: string, weight: number, scores: Float64Array, touched: number[], covered: Float64Array, coverage: number, stamps: Int32Array, stamp: number): void {
    const id = this.ids.get(term);
    if (id === undefined) return;
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

  /** BM25 of every document for a few terms, without the bookkeeping: small indexes (one scenario's sub-scenarios). */
  scoreAll(terms: Iterable<readonly [string, number]>): Float64Array {
    const scores = new Float64Array(this.size);
    for (const [term, weight] of terms) {
      const id = this.ids.get(term);
      if (id === undefined) continue;
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
