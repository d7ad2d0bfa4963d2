import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { EmulatorConnection, type PhraseRecord } from './connection.ts';
import { ScriptBook } from './script-book.ts';
import { STREAM_QUERY_PARAMETER } from './stream-tag.ts';

/**
 * SPEECH-SERVICE EMULATOR — a test and demo device, never the production path.
 *
 * A local server that speaks enough of the Azure Speech WebSocket protocol for the
 * unmodified `microsoft-cognitiveservices-speech-sdk` (pointed at it with
 * `SpeechConfig.fromEndpoint`) to stream audio and get `speech.hypothesis` partials and
 * `speech.phrase` finals back. It cannot understand audio: the simulator tells it, over
 * its control API, what each stream's speaker will say, and it paces the results by the
 * audio it actually receives.
 *
 * Control API (HTTP, same port, `Authorization: Bearer <key>`):
 *   POST /emulator/utterances  {stream: "CA…:inbound", utterances: [{text, durationMs?}]}
 *   POST /emulator/faults      {drop?: "CA…" (stream prefix, "" for all), refuseForMs?: number}
 *   GET  /emulator/phrases     the phrases sent so far, with the time each left
 *   GET  /emulator/phrase-lists the recognition hints each stream's client sent (speech.context)
 *   GET  /emulator/health
 *
 * @example
 *   const emulator = await startSpeechEmulator({ key: 'k', port: 0 });
 *   SpeechConfig.fromEndpoint(new URL(emulator.wsEndpoint), 'k');
 */
export interface EmulatorOptions {
  readonly key: string;
  readonly host?: string;
  readonly port?: number;
  readonly logger?: Logger;
  readonly maxPhraseLog?: number;
}

export const RECOGNITION_PATH = '/speech/recognition/conversation/cognitiveservices/v1';
const ACCEPTED_PATHS = new Set([
  RECOGNITION_PATH,
  '/speech/recognition/interactive/cognitiveservices/v1',
  '/speech/recognition/dictation/cognitiveservices/v1',
]);
const MAX_CONTROL_BODY_BYTES = 1 << 20;

const utterancesBody = z.object({
  stream: z.string().regex(/^CA[0-9a-zA-Z]{1,64}:(inbound|outbound)$/, 'expected "CA…:inbound" or "CA…:outbound"'),
  utterances: z.array(z.object({ text: z.string().min(1).max(2000), durationMs: z.number().positive().max(600_000).optional() })).max(500),
});
const faultsBody = z.object({ drop: z.string().max(80).optional(), refuseForMs: z.number().int().min(0).max(600_000).optional() });

export class SpeechEmulator {
  readonly book = new ScriptBook();
  private readonly connections = new Set<EmulatorConnection>();
  private readonly phrases: PhraseRecord[] = [];
  private refuseUntilMs = 0;
  /** The last phrase list (recognition hints) each stream sent. */
  private readonly phraseLists = new Map<string, string[]>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly server: http.Server;
  protocolErrors = 0;

  constructor(private readonly options: EmulatorOptions) {
    this.server = http.createServer((req, res) => void this.control(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve);
    });
    this.options.logger?.warn({ url: this.httpUrl }, 'SPEECH EMULATOR listening — a test and demo device, not a speech service');
    return this;
  }

  get httpUrl(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** The URL to give `SpeechConfig.fromEndpoint`. */
  get wsEndpoint(): string {
    return `${this.httpUrl.replace(/^http/, 'ws')}${RECOGNITION_PATH}`;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  /** Closes every connection whose stream key starts with `prefix` abruptly, as a network failure would. */
  drop(prefix = ''): number {
    let dropped = 0;
    for (const c of this.connections) {
      if (c.stream.startsWith(prefix)) {
        c.socket.terminate();
        dropped++;
      }
    }
    return dropped;
  }

  /** Answers new connections with 503 for a while, as a service outage would. */
  refuseFor(ms: number): void {
    this.refuseUntilMs = Date.now() + ms;
  }

  phraseLog(): readonly PhraseRecord[] {
    return this.phrases;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private authorised(req: http.IncomingMessage): boolean {
    const key = req.headers['ocp-apim-subscription-key'];
    const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    return key === this.options.key || bearer === this.options.key;
  }

  private upgrade(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const refuse = (status: number, text: string) => {
      // The client may reset the connection before reading the refusal; that is not our error.
      socket.on('error', () => socket.destroy());
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!ACCEPTED_PATHS.has(url.pathname)) return refuse(404, 'Not Found');
    if (!this.authorised(req)) return refuse(401, 'Unauthorized');
    if (Date.now() < this.refuseUntilMs) return refuse(503, 'Service Unavailable');
    const stream = url.searchParams.get(STREAM_QUERY_PARAMETER) ?? 'anonymous';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new EmulatorConnection(ws, stream, this.book, {
        onPhrase: (record) => this.record(record),
        onPhraseList: (streamName, phrases) => {
          this.phraseLists.set(streamName, phrases);
          if (this.phraseLists.size > 10_000) this.phraseLists.delete(this.phraseLists.keys().next().value!);
        },
        onProtocolError: (error) => {
          this.protocolErrors++;
          this.options.logger?.warn({ stream, err: error.message }, 'emulator: bad frame from client');
        },
      });
      this.connections.add(connection);
      ws.on('message', (data: Buffer, isBinary) => connection.receive(data, isBinary));
      ws.on('close', () => {
        connection.closed();
        this.connections.delete(connection);
      });
      ws.on('error', () => ws.terminate());
    });
  }

  private record(record: PhraseRecord): void {
    this.phrases.push(record);
    const max = this.options.maxPhraseLog ?? 100_000;
    if (this.phrases.length > max) this.phrases.splice(0, this.phrases.length - max);
  }

  private async control(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-hotline-emulator': 'test-device' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (req.method === 'GET' && url.pathname === '/emulator/health') {
      return reply(200, { ok: true, device: 'speech-service emulator (test and demo only)', connections: this.connections.size });
    }
    if (!this.authorised(req)) return reply(401, { error: 'missing or wrong emulator key' });
    if (req.method === 'GET' && url.pathname === '/emulator/phrases') return reply(200, { phrases: this.phrases });
    if (req.method === 'GET' && url.pathname === '/emulator/phrase-lists') return reply(200, { phraseLists: Object.fromEntries(this.phraseLists) });
    if (req.method !== 'POST') return reply(404, { error: 'no such endpoint' });

    let json: unknown;
    try {
      json = JSON.parse(await readBody(req));
    } catch (error) {
      return reply(400, { error: error instanceof BodyTooLarge ? 'body too large' : 'body is not JSON' });
    }
    if (url.pathname === '/emulator/utterances') {
      const parsed = utterancesBody.safeParse(json);
      if (!parsed.success) return reply(400, { error: describe(parsed.error) });
      this.book.add(parsed.data.stream, parsed.data.utterances);
      return reply(204);
    }
    if (url.pathname === '/emulator/faults') {
      const parsed = faultsBody.safeParse(json);
      if (!parsed.success) return reply(400, { error: describe(parsed.error) });
      if (parsed.data.refuseForMs !== undefined) this.refuseFor(parsed.data.refuseForMs);
      const dropped = parsed.data.drop === undefined ? 0 : this.drop(parsed.data.drop);
      return reply(200, { dropped });
    }
    return reply(404, { error: 'no such endpoint' });
  }
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CONTROL_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

export function startSpeechEmulator(options: EmulatorOptions): Promise<SpeechEmulator> {
  return new SpeechEmulator(options).listen();
}
