/**
 * A BM25 inverted index over weighted term counts. Documents are added once, then
 * `freeze()` packs each posting list into typed arrays; a search walks only the postings
 * of the query's terms, so its cost grows with how common those terms are, not with the
 * number of documents.
 */
export const K1 = 1.2;
export const B = 0.75;

interface Posting {
  docs: number[] | Int32Array;
  tfs: number[] | Float32Array;
}

export class Bm25Index {
  private readonly postings = new Map<string, Posting>();
  private readonly lengths: number[] = [];
  private idfs = new Map<string, number>();
  private norms: Float32Array = new Float32Array(0);
  private frozen = false;

  get size(): number {
    return this.lengths.length;
  }

  /** Adds a document; `terms` maps term → weighted count. Returns its number. */
  add(terms: ReadonlyMap<string, number>): number {
    if (this.frozen) throw new Error('Bm25Index: add after freeze');
    const doc = this.lengths.length;
    let length = 0;
    for (const [term, tf] of terms) {
      if (tf <= 0) continue;
      let p = this.postings.get(term);
      if (!p) this.postings.set(term, (p = { docs: [], tfs: [] }));
      (p.docs as number[]).push(doc);
      (p.tfs as number[]).push(tf);
      length += tf;
    }
    this.lengths.push(length);
    return doc;
  }

  freeze(): void {
    const n = this.lengths.length;
    const avg = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
    this.norms = Float32Array.from(this.lengths, (len) => K1 * (1 - B + (B * len) / Math.max(avg, 1e-9)));
    for (const [term, p] of this.postings) {
      p.docs = Int32Array.from(p.docs);
      p.tfs = Float32Array.from(p.tfs);
      const df = p.docs.length;
      this.idfs.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    }
    this.frozen = true;
  }

  /** Inverse document frequency; a term no document has gets the highest there could be. */
  idf(term: string): number {
    return this.idfs.get(term) ?? Math.log(1 + (this.size + 0.5) / 0.5);
  }

  /** Every term, with how many documents have it. */
  *terms(): IterableIterator<[string, number]> {
    for (const [term, p] of this.postings) yield [term, p.docs.length];
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /**
   * Adds `weight × BM25(term)` to `scores` for every document with the term, and
   * `coverage` to `covered` of those documents (how much of the query each one explains)
   * unless `stamps` shows the term already counted there. `touched` collects the
   * documents scored, so the caller resets only those.
   */
  accumulate(term: string, weight: number, scores: Float64Array, touched: number[], covered: Float64Array, coverage: number, stamps: Int32Array, stamp: number): void {
    const p = this.postings.get(term);
    if (!p) return;
    const idf = (this.idfs.get(term) ?? 0) * weight;
    const docs = p.docs as Int32Array;
    const tfs = p.tfs as Float32Array;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i]!;
      const tf = tfs[i]!;
      if (scores[d] === 0) touched.push(d);
      scores[d]! += (idf * tf * (K1 + 1)) / (tf + this.norms[d]!);
      // A term found in two fields of a document covers the query once.
      if (stamps[d] !== stamp) {
        stamps[d] = stamp;
        covered[d]! += coverage;
      }
    }
  }
}
