/**
 * Gathers 20 ms telephony frames into fixed-size chunks. The speech SDK sends audio in
 * 100 ms messages anyway, so batching to that size costs no latency and saves work per
 * frame further down (one SDK write, one replay entry, one thread message per chunk).
 * Each chunk handed out owns its buffer, so it can be queued or transferred as it is.
 */
export class PcmBatcher {
  private batch: Int16Array;
  private length = 0;

  constructor(
    private readonly chunkSamples: number,
    private readonly emit: (chunk: Int16Array) => void,
  ) {
    this.batch = new Int16Array(chunkSamples);
  }

  push(pcm: Int16Array): void {
    let at = 0;
    while (at < pcm.length) {
      const take = Math.min(this.chunkSamples - this.length, pcm.length - at);
      this.batch.set(pcm.subarray(at, at + take), this.length);
      this.length += take;
      at += take;
      if (this.length === this.chunkSamples) this.drain();
    }
  }

  /** Hands out what is gathered so far, even if short of a chunk. */
  drain(): void {
    if (this.length === 0) return;
    const chunk = this.length === this.chunkSamples ? this.batch : this.batch.slice(0, this.length);
    this.batch = new Int16Array(this.chunkSamples);
    this.length = 0;
    this.emit(chunk);
  }
}

/** 100 ms of 8 kHz audio: the SDK's own message size. */
export const CHUNK_SAMPLES = 800;
