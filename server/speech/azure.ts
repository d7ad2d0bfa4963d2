import * as sdk from 'microsoft-cognitiveservices-speech-sdk';
import type { Logger } from 'pino';
import { STREAM_QUERY_PARAMETER, streamTag } from './emulator/stream-tag.ts';
import { CHUNK_SAMPLES, PcmBatcher } from './pcm-batcher.ts';
import {
  DEFAULT_RETRY,
  RecognizerError,
  type RecognitionResult,
  type Recognizer,
  type RecognizerFactory,
  type RecognizerHandlers,
  type RecognizerRequest,
  type RecognizerStats,
  type RetryPolicy,
  type Speaker,
} from './recognizer.ts';

/**
 * Azure Speech on `microsoft-cognitiveservices-speech-sdk`: zh-CN continuous recognition
 * of telephony audio through a push stream.
 *
 * Two layers keep words flowing when the service drops. The SDK itself reconnects at
 * once and replays the audio since its last final phrase. When it gives up (the service
 * is unreachable for a while), this class opens a new recogniser with back-off and
 * replays its own copy of the audio not yet covered by a final result, bounded by
 * `replayBufferMs`; audio beyond that is dropped and counted.
 */
export interface AzureSpeechOptions {
  readonly language: string;
  readonly key: string;
  readonly region?: string | null;
  /** ws(s):// endpoint; for the emulator or a private endpoint. */
  readonly endpoint?: string | null;
  /** Emulator mode only: tell the service which call and track a connection carries. */
  readonly tagStreams?: boolean;
  /**
   * Audio the SDK sends at full speed before pacing itself to twice real time. Live calls
   * never get ahead of real time; a replay after a reconnect, or a simulation run faster
   * than real time, does.
   */
  readonly unthrottledMs?: number;
  readonly retry?: RetryPolicy;
  readonly replayBufferMs: number;
  readonly logger: Logger;
}

const SAMPLE_RATE = 8000;
const SAMPLES_PER_MS = SAMPLE_RATE / 1000;

const TICKS_PER_MS = 10_000;
const AUDIO_FORMAT = sdk.AudioStreamFormat.getWaveFormatPCM(SAMPLE_RATE, 16, 1);
const FATAL_CODES = new Set([
  sdk.CancellationErrorCode.AuthenticationFailure,
  sdk.CancellationErrorCode.BadRequestParameters,
  sdk.CancellationErrorCode.Forbidden,
]);

// Telemetry would send usage data to the service on every turn; a hotline has no need for it.
sdk.Recognizer.enableTelemetry(false);

export class AzureRecognizerFactory implements RecognizerFactory {
  constructor(private readonly options: AzureSpeechOptions) {}

  create(request: RecognizerRequest, handlers: RecognizerHandlers): Recognizer {
    return new AzureRecognizer(this.options, request, handlers);
  }
}

interface Chunk {
  readonly startSample: number;
  readonly pcm: Int16Array;
}

interface Session {
  readonly recognizer: sdk.SpeechRecognizer;
  readonly push: sdk.PushAudioInputStream;
  /** Position, in samples of the whole track, of the first sample this session received. */
  readonly baseSample: number;
  ended: boolean;
}

type State = 'live' | 'flushing' | 'closed';

class AzureRecognizer implements Recognizer {
  readonly speaker: Speaker;
  private state: State = 'live';
  /** Null between sessions, while a reconnection waits for its back-off delay. */
  private session: Session | null = null;
  /** Audio not yet covered by a final result, oldest first: what a new session must hear again. */
  private replay: Chunk[] = [];
  private replaySamples = 0;
  private writtenSamples = 0;
  private droppedSamples = 0;
  /** Exactly 100 ms per SDK write takes the SDK's no-copy path. */
  private readonly batcher = new PcmBatcher(CHUNK_SAMPLES, (chunk) => this.send(chunk));
  private reconnects = 0;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private finishFlush: (() => void) | null = null;
  private readonly maxReplaySamples: number;
  private readonly retry: RetryPolicy;
  private readonly log: Logger;

  constructor(
    private readonly options: AzureSpeechOptions,
    private readonly request: RecognizerRequest,
    private readonly handlers: RecognizerHandlers,
  ) {
    this.speaker = request.speaker;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.maxReplaySamples = options.replayBufferMs * SAMPLES_PER_MS;
    this.log = options.logger.child({ callSid: request.callSid, track: request.track });
    this.session = this.open();
  }

  write(pcm: Int16Array): void {
    if (this.state === 'live') this.batcher.push(pcm);
  }

  /** One chunk to the SDK, and to the replay copy. */
  private send(chunk: Int16Array): void {
    this.replay.push({ startSample: this.writtenSamples, pcm: chunk });
    this.replaySamples += chunk.length;
    this.writtenSamples += chunk.length;
    if (this.session && !this.session.ended) this.session.push.write(chunk.buffer as ArrayBuffer);
    this.trimReplay();
  }

  async flush(timeoutMs = 8000): Promise<void> {
    if (this.state !== 'live') return;
    this.batcher.drain();
    this.state = 'flushing';
    const flushed = new Promise<void>((resolve) => (this.finishFlush = resolve));
    // Between sessions the pending reconnection carries on and closes its input at once.
    if (this.session && !this.session.ended) this.session.push.close();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([flushed, timedOut]);
    clearTimeout(timer);
    this.close();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearRetry();
    if (this.session) this.dispose(this.session);
    this.session = null;
    this.replay = [];
    this.replaySamples = 0;
    this.finishFlush?.();
  }

  stats(): RecognizerStats {
    return { droppedMs: this.droppedSamples / SAMPLES_PER_MS, reconnects: this.reconnects };
  }

  private open(): Session {
    const config = this.speechConfig();
    const push = sdk.AudioInputStream.createPushStream(AUDIO_FORMAT);
    const baseSample = this.replay[0]?.startSample ?? this.writtenSamples;
    for (const chunk of this.replay) push.write(chunk.pcm.buffer as ArrayBuffer);
    if (this.state === 'flushing') push.close();
    const recognizer = new sdk.SpeechRecognizer(config, sdk.AudioConfig.fromStreamInput(push));
    if (this.request.phrases?.length) {
      sdk.PhraseListGrammar.fromRecognizer(recognizer).addPhrases([...this.request.phrases]);
    }
    const session: Session = { recognizer, push, baseSample, ended: false };
    const endedNormally = () => {
      if (session.ended) return;
      session.ended = true;
      if (session === this.session && this.state === 'flushing') this.finishFlush?.();
    };

    recognizer.recognizing = (_, e) => this.result(session, e.result, false);
    recognizer.recognized = (_, e) => {
      if (e.result.reason === sdk.ResultReason.RecognizedSpeech) this.result(session, e.result, true);
    };
    recognizer.canceled = (_, e) => {
      if (e.reason === sdk.CancellationReason.EndOfStream) return endedNormally();
      const code = sdk.CancellationErrorCode[e.errorCode] ?? 'Unknown';
      this.failed(session, new RecognizerError(e.errorDetails || 'speech service error', code, !FATAL_CODES.has(e.errorCode)));
    };
    recognizer.sessionStopped = () => endedNormally();
    recognizer.startContinuousRecognitionAsync(
      () => undefined,
      (error: string) => this.failed(session, new RecognizerError(String(error), 'StartFailed', true)),
    );
    return session;
  }

  private speechConfig(): sdk.SpeechConfig {
    const { endpoint, key, region, language, tagStreams } = this.options;
    const config = endpoint ? sdk.SpeechConfig.fromEndpoint(new URL(endpoint), key) : sdk.SpeechConfig.fromSubscription(key, region!);
    config.speechRecognitionLanguage = language;
    if (this.options.unthrottledMs) config.setProperty('SPEECH-TransmitLengthBeforThrottleMs', String(this.options.unthrottledMs));
    if (tagStreams) {
      config.setServiceProperty(STREAM_QUERY_PARAMETER, streamTag(this.request.callSid, this.request.track), sdk.ServicePropertyChannel.UriQueryParameter);
    }
    return config;
  }

  private result(session: Session, result: sdk.SpeechRecognitionResult, final: boolean): void {
    if (this.state === 'closed' || session !== this.session || !result.text) return;
    this.failures = 0;
    const offsetMs = session.baseSample / SAMPLES_PER_MS + result.offset / TICKS_PER_MS;
    const durationMs = result.duration / TICKS_PER_MS;
    if (final) this.acknowledge((offsetMs + durationMs) * SAMPLES_PER_MS);
    const out: RecognitionResult = { speaker: this.speaker, text: result.text, final, offsetMs, durationMs };
    this.handlers.onResult(out);
  }

  /** Audio up to `sample` is settled by a final result: a new session need not hear it again. */
  private acknowledge(sample: number): void {
    while (this.replay.length && this.replay[0]!.startSample + this.replay[0]!.pcm.length <= sample) {
      this.replaySamples -= this.replay.shift()!.pcm.length;
    }
  }

  private trimReplay(): void {
    // While a session is live the SDK holds its own replay copy: trimming ours loses nothing
    // unless we are between sessions, when the trimmed audio was never heard by anyone.
    while (this.replaySamples > this.maxReplaySamples && this.replay.length > 1) {
      const chunk = this.replay.shift()!;
      this.replaySamples -= chunk.pcm.length;
      if (!this.session) this.droppedSamples += chunk.pcm.length;
    }
  }

  private failed(session: Session, error: RecognizerError): void {
    if (session !== this.session || session.ended) return;
    this.handlers.onError(error);
    this.dispose(session);
    this.session = null;
    if (this.state === 'closed') return;
    if (!error.retryable) {
      this.log.error({ code: error.code }, 'speech recogniser stopped: the error is not retryable');
      this.close();
      return;
    }
    const delayMs = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** this.failures) * (0.8 + Math.random() * 0.4);
    this.failures++;
    this.log.warn({ code: error.code, delayMs: Math.round(delayMs), attempt: this.failures }, 'speech connection lost; reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state === 'closed') return;
      this.reconnects++;
      this.session = this.open();
    }, delayMs);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private dispose(session: Session): void {
    session.ended = true;
    try {
      session.push.close();
    } catch {
      /* already closed */
    }
    session.recognizer.close(
      () => undefined,
      () => undefined,
    );
  }
}
