import { PcmBatcher } from '../pcm-batcher.ts';

/**
 * Finds spoken segments in the audio the emulator receives, by frame energy.
 *
 * This is what makes the emulator "paced by the audio it actually receives": a phrase
 * is only final once its audio, and the silence after it, have arrived. Times are in
 * milliseconds of audio since the segmenter started, not wall-clock time.
 */
export interface SegmentListener {
  onSpeechStart(atMs: number): void;
  /** Called for every frame inside a segment, with the audio time spent in it so far. */
  onSpeechFrame(atMs: number, segmentMs: number): void;
  onSpeechEnd(startMs: number, endMs: number): void;
}

export interface SegmenterOptions {
  readonly sampleRate: number;
  readonly frameMs?: number;
  /** RMS level (16-bit scale) above which a frame counts as speech; ~-40 dBFS by default. */
  readonly threshold?: number;
  /** Consecutive speech frames needed to open a segment. */
  readonly startFrames?: number;
  /** Silence that closes a segment. */
  readonly hangoverMs?: number;
}

export class Segmenter {
  /** A segment does not close before it is this long: set per segment by the owner. */
  minSegmentMs = 0;
  private readonly frameSamples: number;
  private readonly frameMs: number;
  private readonly threshold: number;
  private readonly startFrames: number;
  private readonly hangoverMs: number;
  private readonly framer: PcmBatcher;
  private frames = 0;
  private voicedRun = 0;
  private segmentStartMs: number | null = null;
  private lastVoicedEndMs = 0;

  constructor(options: SegmenterOptions, private readonly listener: SegmentListener) {
    this.frameMs = options.frameMs ?? 20;
    this.frameSamples = Math.round((options.sampleRate * this.frameMs) / 1000);
    this.threshold = options.threshold ?? 330;
    this.startFrames = options.startFrames ?? 2;
    this.hangoverMs = options.hangoverMs ?? 500;
    this.framer = new PcmBatcher(this.frameSamples, (frame) => this.frame(frame));
  }

  get inSegment(): boolean {
    return this.segmentStartMs !== null;
  }

  get audioMs(): number {
    return this.frames * this.frameMs;
  }

  push(samples: Int16Array): void {
    this.framer.push(samples);
  }

  /** End of audio: closes an open segment at the last voiced frame. */
  end(): void {
    if (this.segmentStartMs !== null) this.close();
  }

  /** Closes an open segment now without reporting it (the connection it belonged to is gone). */
  abandon(): void {
    this.segmentStartMs = null;
    this.voicedRun = 0;
  }

  private frame(samples: Int16Array): void {
    let sum = 0;
    for (let k = 0; k < samples.length; k++) sum += samples[k]! * samples[k]!;
    const voiced = Math.sqrt(sum / samples.length) >= this.threshold;
    const startMs = this.frames * this.frameMs;
    this.frames++;
    const endMs = this.frames * this.frameMs;

    if (voiced) {
      this.voicedRun++;
      this.lastVoicedEndMs = endMs;
      if (this.segmentStartMs === null && this.voicedRun >= this.startFrames) {
        this.segmentStartMs = startMs - (this.startFrames - 1) * this.frameMs;
        this.listener.onSpeechStart(this.segmentStartMs);
      }
    } else {
      this.voicedRun = 0;
    }
    if (this.segmentStartMs === null) return;
    this.listener.onSpeechFrame(endMs, endMs - this.segmentStartMs);
    const silentMs = endMs - this.lastVoicedEndMs;
    // A pause inside a long sentence must not split it: hold the segment open until it has
    // reached its expected length, unless the silence goes on far longer than a pause.
    const longEnough = this.lastVoicedEndMs - this.segmentStartMs >= this.minSegmentMs;
    if (silentMs >= this.hangoverMs && (longEnough || silentMs >= 3 * this.hangoverMs)) this.close();
  }

  private close(): void {
    const start = this.segmentStartMs!;
    this.segmentStartMs = null;
    this.voicedRun = 0;
    this.listener.onSpeechEnd(start, Math.max(this.lastVoicedEndMs, start));
  }
}
