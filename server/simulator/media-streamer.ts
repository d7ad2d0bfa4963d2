import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import WebSocket from 'ws';
import { FRAME_BYTES, FRAME_MS } from './audio.ts';
import { ProtocolError, type StreamVerb } from './twiml.ts';

/**
 * The Twilio side of a Media Stream: opens the socket with a signed upgrade, sends
 * `connected` and `start`, then one 20 ms mu-law frame per track per tick — silence
 * unless a clip is queued — and `stop` at hang-up. In real-time pace ticks follow the
 * wall clock; in fast pace they go as fast as the socket takes them.
 *
 * Like Twilio, it does not wait for a slow receiver: when more than `maxBufferedBytes`
 * are unsent, the tick's frames are dropped and counted.
 */
export type Pace = 'realtime' | 'fast';
export type StreamTrack = 'inbound' | 'outbound';

export interface StreamerOptions {
  readonly verb: StreamVerb;
  readonly authToken: string;
  readonly callSid: string;
  readonly accountSid: string;
  readonly pace: Pace;
  readonly maxBufferedBytes?: number;
}

interface TrackQueue {
  clips: { frames: readonly string[]; at: number; done: () => void }[];
  chunk: number;
}

const SILENT_FRAME_BASE64 = Buffer.alloc(FRAME_BYTES, 0xff).toString('base64');
const FAST_FRAMES_PER_TURN = 50;

export class MediaStreamer {
  readonly streamSid = `MZ${randomBytes(16).toString('hex')}`;
  private ws: WebSocket | null = null;
  private readonly tracks = new Map<StreamTrack, TrackQueue>();
  private sequence = 0;
  private ticks = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: { until: number; resolve: () => void }[] = [];
  private closed: Promise<{ code: number; reason: string }> | null = null;
  droppedFrames = 0;
  sentFrames = 0;

  constructor(private readonly options: StreamerOptions) {
    const track = options.verb.track;
    if (track === 'inbound_track' || track === 'both_tracks') this.tracks.set('inbound', { clips: [], chunk: 0 });
    if (track === 'outbound_track' || track === 'both_tracks') this.tracks.set('outbound', { clips: [], chunk: 0 });
  }

  async open(): Promise<void> {
    const { verb, authToken, callSid, accountSid } = this.options;
    const url = verb.url;
    if (!/^wss?:\/\//.test(url) || new URL(url).search) throw new ProtocolError(`stream URL ${url} must be ws(s):// with no query string`);
    const signature = twilio.getExpectedTwilioSignature(authToken, url, {});
    const ws = new WebSocket(url, { headers: { 'x-twilio-signature': signature }, perMessageDeflate: false });
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_req, res) => reject(new ProtocolError(`the media endpoint refused the stream: HTTP ${res.statusCode}`)));
      ws.once('error', (error) => reject(new ProtocolError(`cannot open the media stream: ${error.message}`)));
    });
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.send({
      event: 'start',
      sequenceNumber: String(++this.sequence),
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        accountSid,
        callSid,
        tracks: [...this.tracks.keys()],
        customParameters: verb.parameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    this.startedAt = performance.now();
    this.schedule();
  }

  /** Queues a clip (base64 payloads of 20 ms frames) on a track; resolves once its last frame has been sent. */
  speak(track: StreamTrack, frames: readonly string[]): Promise<void> {
    const queue = this.tracks.get(track);
    if (!queue || frames.length === 0) return Promise.resolve();
    return new Promise((resolve) => queue.clips.push({ frames, at: 0, done: resolve }));
  }

  /** Resolves after `ms` of stream time (silence unless clips are queued). */
  wait(ms: number): Promise<void> {
    const until = this.ticks + Math.ceil(ms / FRAME_MS);
    return new Promise((resolve) => this.idleWaiters.push({ until, resolve }));
  }

  /** Hangs up: `stop`, then closes the socket. Resolves with how the server closed it. */
  async stop(): Promise<{ code: number; reason: string }> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    if (!ws || !this.closed) return { code: 1006, reason: 'never opened' };
    if (ws.readyState === WebSocket.OPEN) {
      this.send({ event: 'stop', sequenceNumber: String(++this.sequence), streamSid: this.streamSid, stop: { accountSid: this.options.accountSid, callSid: this.options.callSid } });
      setTimeout(() => ws.readyState === WebSocket.OPEN && ws.close(1000, 'call ended'), 2000).unref();
    }
    return this.closed;
  }

  /** False once either side closed the stream. */
  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  private schedule(): void {
    if (this.options.pace === 'fast') {
      this.timer = setTimeout(() => {
        for (let i = 0; i < FAST_FRAMES_PER_TURN && this.isOpen; i++) this.tick();
        if (this.isOpen) this.schedule();
      }, this.ws!.bufferedAmount > (this.options.maxBufferedBytes ?? 256 * 1024) ? 5 : 0);
      return;
    }
    // Catch up on ticks that are due (timers are late on a busy machine), then sleep to the next one.
    const due = Math.floor((performance.now() - this.startedAt) / FRAME_MS) + 1;
    while (this.ticks < due && this.isOpen) this.tick();
    if (!this.isOpen) return;
    const next = this.startedAt + this.ticks * FRAME_MS - performance.now();
    this.timer = setTimeout(() => this.schedule(), Math.max(0, next));
  }

  private tick(): void {
    const ws = this.ws!;
    const late = this.options.pace === 'realtime' && ws.bufferedAmount > (this.options.maxBufferedBytes ?? 64 * 1024);
    const timestamp = String(this.ticks * FRAME_MS);
    for (const [track, queue] of this.tracks) {
      const clip = queue.clips[0];
      let payload = SILENT_FRAME_BASE64;
      if (clip) {
        payload = clip.frames[clip.at++]!;
        if (clip.at >= clip.frames.length) {
          queue.clips.shift();
          clip.done();
        }
      }
      queue.chunk++;
      if (late) {
        this.droppedFrames++;
        continue;
      }
      this.sentFrames++;
      // The hot path of a load test: a template, not JSON.stringify of a fresh object per frame.
      ws.send(
        `{"event":"media","sequenceNumber":"${++this.sequence}","streamSid":"${this.streamSid}",` +
          `"media":{"track":"${track}","chunk":"${queue.chunk}","timestamp":"${timestamp}","payload":"${payload}"}}`,
      );
    }
    this.ticks++;
    if (this.idleWaiters.length) {
      this.idleWaiters = this.idleWaiters.filter((w) => (w.until <= this.ticks ? (w.resolve(), false) : true));
    }
  }

  private send(message: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}
