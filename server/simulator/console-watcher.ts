import { io, type Socket } from 'socket.io-client';
import { CONSOLE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents, type TranscriptLine } from '../console/contract.ts';
import type { IvrStep } from '../calls/call.ts';
import type { FlagsUpdate } from '../assist/live-flags.ts';
import type { SuggestionUpdate } from '../assist/live-suggestions.ts';

/**
 * A console client that follows calls: one socket.io connection, events routed by
 * CallSid to whoever follows that call, each stamped with its arrival time.
 */
export type ConsoleEvent =
  | { readonly kind: 'ivr'; readonly step: IvrStep; readonly atMs: number }
  | { readonly kind: 'transcript'; readonly line: TranscriptLine; readonly atMs: number }
  | { readonly kind: 'suggestions'; readonly update: SuggestionUpdate; readonly atMs: number }
  | { readonly kind: 'flags'; readonly update: FlagsUpdate; readonly atMs: number }
  | { readonly kind: 'ended'; readonly reason: string; readonly atMs: number };

export class ConsoleWatcher {
  private readonly followers = new Map<string, (event: ConsoleEvent) => void>();

  private constructor(private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>) {
    const now = () => performance.timeOrigin + performance.now();
    const route = (callSid: string, event: ConsoleEvent) => this.followers.get(callSid)?.(event);
    socket.on('call:ivr', ({ callSid, step }) => route(callSid, { kind: 'ivr', step, atMs: now() }));
    socket.on('transcript:partial', (line) => route(line.callSid, { kind: 'transcript', line, atMs: now() }));
    socket.on('transcript:final', (line) => route(line.callSid, { kind: 'transcript', line, atMs: now() }));
    socket.on('suggestions:update', (update) => route(update.callSid, { kind: 'suggestions', update, atMs: now() }));
    socket.on('flags:update', (update) => route(update.callSid, { kind: 'flags', update, atMs: now() }));
    socket.on('call:ended', ({ callSid, reason }) => route(callSid, { kind: 'ended', reason, atMs: now() }));
  }

  /** Connects (websocket transport) and resolves once the server has let us in. */
  static connect(server: string, token: string, timeoutMs = 10_000): Promise<ConsoleWatcher> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server + CONSOLE_NAMESPACE, {
      auth: { token },
      transports: ['websocket'],
      reconnection: true,
      timeout: timeoutMs,
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new ConsoleWatcher(socket)));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(new Error(`console at ${server} refused us: ${error.message}`));
      });
    });
  }

  follow(callSid: string, listener: (event: ConsoleEvent) => void): () => void {
    this.followers.set(callSid, listener);
    return () => this.followers.delete(callSid);
  }

  close(): void {
    this.socket.close();
  }
}
