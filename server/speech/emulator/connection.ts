import type { WebSocket } from 'ws';
import { decodeMulaw } from '../../media/mulaw.ts';
import type { ScriptBook, Utterance } from './script-book.ts';
import { Segmenter } from './segmenter.ts';
import { parseBinaryFrame, parseTextFrame, textFrame, WireError, type WireMessage } from './wire.ts';

/** One phrase the emulator sent, with the wall-clock time it left (for latency benchmarks). */
export interface PhraseRecord {
  readonly stream: string;
  readonly text: string;
  readonly sentAtMs: number;
}

export interface ConnectionHooks {
  onPhrase(record: PhraseRecord): void;
  /** The phrase list (recognition hints) the client sent in `speech.context`. */
  onPhraseList?(stream: string, phrases: string[]): void;
  onProtocolError(error: Error): void;
}

interface AudioFormat {
  readonly sampleRate: number;
  readonly encoding: 'pcm16' | 'mulaw';
}

const TICKS_PER_MS = 10_000;
const HYPOTHESIS_EVERY_MS = 300;
/** Used when the simulator did not say how long an utterance is: espeak-ng's Mandarin pace. */
const MS_PER_CHARACTER = 230;
const PUNCTUATION = /[\s，。？！、,.?!；;：:“”"'‘’（）()…—-]/g;

/** Reads the format out of the 44-byte WAV header the SDK sends first. */
function parseWaveHeader(bytes: Uint8Array): AudioFormat | null {
  if (bytes.byteLength < 44) return null;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') return null;
  const tag = b.readUInt16LE(20);
  const channels = b.readUInt16LE(22);
  const sampleRate = b.readUInt32LE(24);
  const bits = b.readUInt16LE(34);
  if (channels !== 1) throw new WireError(`emulator supports mono audio, got ${channels} channels`);
  if (tag === 1 && bits === 16) return { sampleRate, encoding: 'pcm16' };
  if (tag === 7 && bits === 8) return { sampleRate, encoding: 'mulaw' };
  throw new WireError(`emulator supports 16-bit PCM or 8-bit mu-law, got format ${tag}/${bits} bits`);
}

/**
 * One SDK connection to the emulator: turns, request ids, and the scripted results of
 * the segments it hears, with offsets relative to the turn's audio as the service gives them.
 */
export class EmulatorConnection {
  private requestId: string | null = null;
  private format: AudioFormat = { sampleRate: 16000, encoding: 'pcm16' };
  private segmenter: Segmenter | null = null;
  private speechDetected = false;
  private utterance: Utterance | null = null;
  private shownChars = 0;
  private shownText = '';
  private lastHypothesisMs = 0;
  private segmentStartMs = 0;

  constructor(
    readonly socket: WebSocket,
    readonly stream: string,
    private readonly book: ScriptBook,
    private readonly hooks: ConnectionHooks,
  ) {}

  receive(data: Buffer, isBinary: boolean): void {
    let message: WireMessage;
    try {
      message = isBinary ? parseBinaryFrame(data) : parseTextFrame(data.toString('utf8'));
    } catch (error) {
      this.hooks.onProtocolError(error as Error);
      return;
    }
    if (message.path === 'audio') this.audio(message);
    else if (message.path === 'speech.context') this.context(message);
    // speech.config, speech.context and telemetry need no answer.
  }

  /** Keeps the phrase list the SDK sends (`dgi.groups[].items[].text`), so tests can see the hints arrived. */
  private context(message: WireMessage): void {
    try {
      const body = JSON.parse(String(message.body)) as { dgi?: { groups?: { items?: { text?: unknown }[] }[] } };
      const phrases = (body.dgi?.groups ?? []).flatMap((g) => g.items ?? []).map((i) => i.text).filter((t): t is string => typeof t === 'string');
      if (phrases.length) this.hooks.onPhraseList?.(this.stream, phrases);
    } catch (error) {
      this.hooks.onProtocolError(error as Error);
    }
  }

  /** The socket went away: a segment in progress is not finished; its utterance stays claimed for the replay. */
  closed(): void {
    this.segmenter?.abandon();
    this.segmenter = null;
  }

  private audio(message: WireMessage): void {
    const payload = message.body as Uint8Array;
    if (message.requestId !== this.requestId) this.startTurn(message.requestId);
    if (payload.byteLength === 0) {
      this.endTurn();
      return;
    }
    if (message.headers['content-type']?.startsWith('audio/x-wav') || payload[0] === 0x52 /* R of RIFF */) {
      const format = parseWaveHeader(payload);
      if (format) {
        this.format = format;
        this.segmenter = this.newSegmenter();
        return;
      }
    }
    this.segmenter ??= this.newSegmenter();
    this.segmenter.push(this.toSamples(payload));
  }

  private toSamples(payload: Uint8Array): Int16Array {
    if (this.format.encoding === 'mulaw') return decodeMulaw(payload);
    const even = payload.byteLength & ~1;
    const copy = new Uint8Array(even);
    copy.set(payload.subarray(0, even));
    return new Int16Array(copy.buffer);
  }

  private startTurn(requestId: string): void {
    this.requestId = requestId;
    this.speechDetected = false;
    this.segmenter = null;
    this.send('turn.start', { context: { serviceTag: `emulator-${requestId}` } });
  }

  private endTurn(): void {
    this.segmenter?.end();
    const endMs = this.segmenter?.audioMs ?? 0;
    this.send('speech.endDetected', { Offset: endMs * TICKS_PER_MS });
    this.send('turn.end', {});
    this.requestId = null;
    this.segmenter = null;
  }

  private newSegmenter(): Segmenter {
    return new Segmenter({ sampleRate: this.format.sampleRate }, {
      onSpeechStart: (atMs) => this.speechStart(atMs),
      onSpeechFrame: (_atMs, segmentMs) => this.speechFrame(segmentMs),
      onSpeechEnd: (startMs, endMs) => this.speechEnd(startMs, endMs),
    });
  }

  private speechStart(atMs: number): void {
    if (!this.speechDetected) {
      this.speechDetected = true;
      this.send('speech.startDetected', { Offset: atMs * TICKS_PER_MS });
    }
    this.utterance = this.book.claim(this.stream);
    this.segmentStartMs = atMs;
    this.shownChars = 0;
    this.shownText = '';
    this.lastHypothesisMs = 0;
    if (this.segmenter && this.utterance) this.segmenter.minSegmentMs = 0.6 * this.expectedMs(this.utterance);
  }

  private speechFrame(segmentMs: number): void {
    const utterance = this.utterance;
    if (!utterance || segmentMs - this.lastHypothesisMs < HYPOTHESIS_EVERY_MS) return;
    this.lastHypothesisMs = segmentMs;
    const chars = [...utterance.text];
    const reveal = Math.min(chars.length, Math.ceil((chars.length * segmentMs) / this.expectedMs(utterance)));
    if (reveal <= this.shownChars) return;
    this.shownChars = reveal;
    const text = chars.slice(0, reveal).join('').replace(PUNCTUATION, '');
    if (!text || text === this.shownText) return;
    this.shownText = text;
    this.send('speech.hypothesis', {
      Text: text,
      Offset: this.segmentStartMs * TICKS_PER_MS,
      Duration: segmentMs * TICKS_PER_MS,
    });
  }

  private speechEnd(startMs: number, endMs: number): void {
    const utterance = this.utterance;
    this.utterance = null;
    if (this.segmenter) this.segmenter.minSegmentMs = 0;
    const timing = { Offset: startMs * TICKS_PER_MS, Duration: (endMs - startMs) * TICKS_PER_MS };
    if (!utterance) {
      // Unscripted sound (hold music, noise): the service would not match it either.
      this.send('speech.phrase', { RecognitionStatus: 'NoMatch', ...timing });
      return;
    }
    this.send('speech.phrase', { RecognitionStatus: 'Success', DisplayText: utterance.text, ...timing });
    this.book.consume(this.stream);
    this.hooks.onPhrase({ stream: this.stream, text: utterance.text, sentAtMs: performance.timeOrigin + performance.now() });
  }

  private expectedMs(utterance: Utterance): number {
    return utterance.durationMs ?? [...utterance.text].length * MS_PER_CHARACTER;
  }

  private send(path: string, body: unknown): void {
    if (this.requestId === null || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(textFrame(path, this.requestId, body));
  }
}
