import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { CallRecord } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import { maskPhone } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import {
  CONSOLE_NAMESPACE,
  type CallDetail,
  type CallSummary,
  type ClientToServerEvents,
  type ServerInfo,
  type ServerToClientEvents,
  type SocketData,
} from './contract.ts';

/**
 * The console's real-time feed: every live call, its IVR steps and its transcript as it
 * is spoken. Partial transcripts go out volatile (a slow client skips a stale partial
 * rather than queueing it); finals always go.
 *
 * Access is one shared token for now (CONSOLE_TOKEN); operator logins and roles come
 * with the full workspace.
 */
export interface ConsoleDeps {
  readonly registry: CallRegistry;
  readonly token: string;
  readonly info: ServerInfo;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export type ConsoleServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function summarize(call: CallRecord): CallSummary {
  return {
    callSid: call.callSid,
    caller: maskPhone(call.from),
    state: call.state,
    startedAt: call.startedAt,
    ivrPath: call.ivrPath,
    ...(call.endedAt ? { endedAt: call.endedAt } : {}),
    ...(call.queue ? { queue: call.queue } : {}),
    ...(call.intent ? { intent: call.intent } : {}),
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function attachConsole(io: ConsoleServer, deps: ConsoleDeps): void {
  const nsp = io.of(CONSOLE_NAMESPACE);
  const { registry } = deps;

  nsp.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.['token'];
    if (typeof token !== 'string' || !sameSecret(token, deps.token)) {
      deps.logger.warn({ address: socket.handshake.address }, 'console connection refused: bad token');
      next(new Error('unauthorized'));
      return;
    }
    socket.data = { role: 'operator' };
    next();
  });

  nsp.on('connection', (socket) => {
    deps.metrics.consoleClients.inc();
    socket.emit('server:info', deps.info);
    socket.emit('calls:snapshot', registry.liveCalls().map(summarize));
    socket.on('call:get', (callSid, ack) => {
      if (typeof ack !== 'function') return;
      const call = typeof callSid === 'string' ? registry.get(callSid) : undefined;
      if (!call) return ack({ ok: false, error: 'no live call with that CallSid' });
      const detail: CallDetail = { ...summarize(call), transcript: call.transcript };
      ack({ ok: true, call: detail });
    });
    socket.on('disconnect', () => deps.metrics.consoleClients.dec());
  });

  registry.on('started', (call) => nsp.emit('call:started', summarize(call)));
  registry.on('queued', (call) => nsp.emit('call:updated', summarize(call)));
  registry.on('ivr', (call, step) => nsp.emit('call:ivr', { callSid: call.callSid, step }));
  registry.on('transcript', (call, r) => {
    const line = { callSid: call.callSid, speaker: r.speaker, text: r.text, final: r.final, offsetMs: r.offsetMs, durationMs: r.durationMs };
    if (r.final) nsp.emit('transcript:final', line);
    else nsp.volatile.emit('transcript:partial', line);
  });
  registry.on('ended', (call) => nsp.emit('call:ended', { callSid: call.callSid, endedAt: call.endedAt!, reason: call.endReason ?? '' }));
}
