/**
 * The speech-to-text boundary. Business logic sees only this interface; which vendor
 * stands behind it (Azure, or Azure's protocol served by the local emulator) is decided
 * once, in main.ts.
 *
 * @example
 *   const r = factory.create({ callSid, track: 'inbound', speaker: 'caller' }, {
 *     onResult: (res) => registry.transcript(callSid, res),
 *     onError: (err) => log.warn({ err }, 'speech error'),
 *   });
 *   r.write(pcm);           // 8 kHz 16-bit mono, as it arrives
 *   await r.flush();        // at hang-up: the last words arrive before this resolves
 */
export type Speaker = 'caller' | 'operator';

export interface RecognitionResult {
  readonly speaker: Speaker;
  readonly text: string;
  /** Partial hypotheses are replaced by later ones; a final result is settled. */
  readonly final: boolean;
  /** From the start of this track's audio, across reconnections. */
  readonly offsetMs: number;
  readonly durationMs: number;
}

/**
 * Reconnection back-off, as data. Retries go on while the call lasts: giving up would
 * leave the operator without a transcript for the rest of it.
 */
export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 250, maxDelayMs: 5000 };

export class RecognizerError extends Error {
  override readonly name = 'RecognizerError';
  constructor(
    message: string,
    readonly code: string,
    /** True when reconnecting may help (a dropped connection), false for bad credentials or settings. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface RecognizerHandlers {
  onResult(result: RecognitionResult): void;
  /** Reports errors, including ones the recogniser recovers from by itself. */
  onError(error: RecognizerError): void;
}

export interface RecognizerStats {
  /** Audio discarded because the service was unreachable for longer than the buffer holds. */
  readonly droppedMs: number;
  readonly reconnects: number;
}

export interface Recognizer {
  readonly speaker: Speaker;
  /**
   * Pushes 8 kHz 16-bit mono PCM. Never blocks; while reconnecting, audio waits in a
   * bounded buffer. The samples are copied: the caller may reuse `pcm` afterwards.
   */
  write(pcm: Int16Array): void;
  /** Ends the audio and resolves when the service has delivered its last result, or after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<void>;
  /** Releases everything at once. Idempotent. */
  close(): void;
  stats(): RecognizerStats;
}

export interface RecognizerRequest {
  readonly callSid: string;
  readonly track: 'inbound' | 'outbound';
  readonly speaker: Speaker;
  /** Terms to bias recognition toward (knowledge-base vocabulary). */
  readonly phrases?: readonly string[];
}

export interface RecognizerFactory {
  create(request: RecognizerRequest, handlers: RecognizerHandlers): Recognizer;
  /** Releases what the factory itself holds (threads, connections). */
  close?(): Promise<void>;
}
