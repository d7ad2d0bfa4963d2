import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Metrics } from '../metrics.ts';
import { isSignedByTwilio } from '../telephony/signature.ts';
import { parseStreamMessage } from './messages.ts';
import { MediaSession, type SessionDeps } from './session.ts';

/**
 * The Twilio Media Streams endpoint. The upgrade must carry a valid `X-Twilio-Signature`
 * for the stream URL exactly as written in the TwiML; anything else is refused before a
 * socket exists. Garbage frames are counted and the connection lives on; a frame larger
 * than `maxFrameBytes` makes `ws` close the socket with 1009.
 */
export interface MediaServerOptions extends SessionDeps {
  readonly path: string;
  readonly authToken: string;
  /** The `wss://…` URL written into TwiML, as Twilio signs it. */
  readonly streamUrl: () => string;
  readonly maxFrameBytes: number;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export class MediaStreamServer {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<MediaSession>();

  constructor(private readonly options: MediaServerOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false });
  }

  /** Takes the upgrades for our path; returns false for other paths so others can take them. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== this.options.path) return false;
    const refuse = (status: number, text: string, reason: string) => {
      this.options.metrics.streamsRefused.inc({ reason });
      this.options.logger.warn({ reason }, 'media stream upgrade refused');
      socket.on('error', () => socket.destroy()); // a reset before the client reads the refusal is not ours
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
    };
    // Twilio's stream URL has no query string; a request with one was not signed for this URL.
    if (url.search) {
      refuse(400, 'Bad Request', 'query-string');
      return true;
    }
    const signature = req.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || !isSignedByTwilio(this.options.authToken, signature, this.options.streamUrl(), {})) {
      refuse(403, 'Forbidden', typeof signature === 'string' ? 'bad-signature' : 'no-signature');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connection(ws));
    return true;
  }

  get openStreams(): number {
    return this.sessions.size;
  }

  /** Finishes every session (flushing recognisers) and closes their sockets. */
  async close(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.finish()));
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
  }

  private connection(ws: WebSocket): void {
    const session = new MediaSession(this.options);
    this.sessions.add(session);
    this.options.metrics.streams.inc();
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return session.garbageFrame('a binary frame (Twilio sends text)');
      const parsed = parseStreamMessage(data.toString('utf8'));
      if (!parsed.ok) return session.garbageFrame(parsed.reason);
      const verdict = session.handle(parsed.message);
      if (verdict.close) ws.close(verdict.close.code, verdict.close.reason);
    });
    ws.on('error', (error) => this.options.logger.warn({ err: error.message }, 'media socket error'));
    ws.on('close', () => {
      this.options.metrics.streams.dec();
      void session.finish().finally(() => this.sessions.delete(session));
    });
  }
}
