import type { Logger } from 'pino';
import type { CallRecord } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import type { Metrics } from '../metrics.ts';
import type { Recognizer, RecognizerFactory, Speaker } from '../speech/recognizer.ts';
import type { StartMessage, StreamMessage, Track } from './messages.ts';
import { decodeMulaw } from './mulaw.ts';

/**
 * One Media Streams connection: from `start` it owns a recogniser per track (inbound =
 * caller, outbound = operator), feeds them decoded audio, and at `stop` (or when the
 * socket goes) flushes them so the last words arrive before the call is released.
 */
export interface SessionDeps {
  readonly registry: CallRegistry;
  readonly recognizers: RecognizerFactory;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Audio arriving later than this behind real time is dropped, to keep the transcript live. */
  readonly maxLagMs: number;
  /** One frame carrying more audio than this is refused (Twilio sends 20 ms). */
  readonly maxFrameAudioMs: number;
  /** Terms to bias recognition toward. */
  readonly phrases?: () => readonly string[];
}

export type SessionVerdict = { readonly close?: { readonly code: number; readonly reason: string } };

const SPEAKER: Readonly<Record<Track, Speaker>> = { inbound: 'caller', outbound: 'operator' };
const GARBAGE_LOGGED_IN_FULL = 5;

interface TrackState {
  readonly recognizer: Recognizer;
  readonly frames: { inc(n: number): void };
  /** Frames not yet added to the metric: counting each one costs more than the frame. */
  uncounted: number;
  /** Wall-clock ms minus media timestamp of the first frame: when this track's audio "began". */
  originMs: number | null;
}

export class MediaSession {
  private call: CallRecord | null = null;
  private streamSid: string | null = null;
  private readonly tracks = new Map<Track, TrackState>();
  private garbage = 0;
  private dropped = 0;
  private finishing: Promise<void> | null = null;
  /** Decoded audio of the frame at hand; recognisers copy it, so one buffer serves every frame. */
  private scratch = new Int16Array(160);
  private log: Logger;

  constructor(private readonly deps: SessionDeps) {
    this.log = deps.logger;
  }

  /** Handles one parsed message; a verdict with `close` tells the socket owner to close. */
  handle(message: StreamMessage): SessionVerdict {
    switch (message.event) {
      case 'connected':
        return {};
      case 'start':
        return this.start(message);
      case 'media': {
        if (message.streamSid !== this.streamSid) return this.refuse(`media for stream ${message.streamSid}, not this connection's`);
        const track = this.tracks.get(message.media.track);
        if (!track) return this.refuse(`media on track ${message.media.track}, which the stream did not start`);
        this.media(track, message.media.timestamp, message.media.payload);
        return {};
      }
      case 'stop':
        if (message.streamSid !== this.streamSid) return this.refuse(`stop for stream ${message.streamSid}, not this connection's`);
        void this.finish();
        return { close: { code: 1000, reason: 'stream stopped' } };
      case 'mark':
      case 'dtmf':
        return {};
    }
  }

  /** A frame that could not be parsed at all. */
  garbageFrame(reason: string): void {
    this.refuse(reason);
  }

  /** Flushes recognisers and releases the call's stream. Safe to call more than once. */
  finish(): Promise<void> {
    this.finishing ??= this.release();
    return this.finishing;
  }

  private start(message: StartMessage): SessionVerdict {
    if (this.streamSid) return this.refuse('a second start on one connection');
    const { callSid, accountSid, tracks, customParameters } = message.start;
    const call = this.deps.registry.get(callSid);
    if (!call || call.accountSid !== accountSid || (customParameters['callSid'] && customParameters['callSid'] !== callSid)) {
      this.deps.metrics.streamsRefused.inc({ reason: 'unknown-call' });
      this.log.warn({ callSid }, 'media stream for a call this server does not know: closing');
      return { close: { code: 1008, reason: 'unknown call' } };
    }
    this.call = call;
    this.streamSid = message.streamSid;
    this.log = this.deps.logger.child({ callSid, streamSid: message.streamSid });
    this.deps.registry.streamStarted(call, message.streamSid);
    const phrases = this.deps.phrases?.() ?? [];
    for (const track of new Set(tracks)) {
      const speaker = SPEAKER[track];
      const recognizer = this.deps.recognizers.create(
        { callSid, track, speaker, phrases },
        {
          onResult: (result) => {
            this.deps.metrics.transcripts.inc({ kind: result.final ? 'final' : 'partial' });
            this.deps.registry.transcript(call, result);
          },
          onError: (error) => {
            this.deps.metrics.speechErrors.inc({ code: error.code });
            this.log.warn({ track, code: error.code, retryable: error.retryable }, 'speech recogniser error');
          },
        },
      );
      this.tracks.set(track, { recognizer, frames: this.deps.metrics.mediaFrames.labels(track), uncounted: 0, originMs: null });
    }
    this.log.info({ tracks }, 'media stream started');
    return {};
  }

  private media(state: TrackState, timestampMs: number, bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (bytes.length > this.deps.maxFrameAudioMs * 8) {
      this.refuse(`a media frame of ${bytes.length} bytes (over ${this.deps.maxFrameAudioMs} ms of audio)`);
      return;
    }
    // A frame far behind real time means we (or the network) fell behind: drop it to stay live.
    const now = performance.now();
    state.originMs ??= now - timestampMs;
    if (now - (state.originMs + timestampMs) > this.deps.maxLagMs) {
      this.dropped++;
      this.deps.metrics.droppedFrames.inc();
      if (this.call?.stream) this.call.stream.droppedMs += bytes.length / 8;
      return;
    }
    if (++state.uncounted === 50) {
      state.frames.inc(state.uncounted);
      state.uncounted = 0;
    }
    if (this.scratch.length < bytes.length) this.scratch = new Int16Array(bytes.length);
    state.recognizer.write(decodeMulaw(bytes, this.scratch.subarray(0, bytes.length)));
  }

  private refuse(reason: string): SessionVerdict {
    this.garbage++;
    this.deps.metrics.garbageFrames.inc();
    if (this.call?.stream) this.call.stream.garbageFrames = this.garbage;
    if (this.garbage <= GARBAGE_LOGGED_IN_FULL || this.garbage % 100 === 0) {
      this.log.warn({ garbage: this.garbage, reason }, 'media frame refused; the stream goes on');
    }
    return {};
  }

  private async release(): Promise<void> {
    const states = [...this.tracks.values()];
    for (const t of states) t.frames.inc(t.uncounted);
    await Promise.all(states.map((t) => t.recognizer.flush()));
    const call = this.call;
    if (call?.stream) call.stream.droppedMs += states.reduce((ms, t) => ms + t.recognizer.stats().droppedMs, 0);
    this.tracks.clear();
    if (call) {
      this.log.info({ garbage: this.garbage, dropped: this.dropped }, 'media stream finished');
      this.deps.registry.streamStopped(call);
    }
  }
}
