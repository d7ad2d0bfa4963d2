import type { Logger } from 'pino';
import { z } from 'zod';
import type { LiveFlags } from '../assist/live-flags.ts';
import type { LiveSuggester } from '../assist/live-suggestions.ts';
import type { Server } from 'socket.io';
import type { CallRecord } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import { maskPhone } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { CallControlError } from '../telephony/call-control.ts';
import { PartialPacer } from './partial-pacer.ts';
import { sameSecret } from './token.ts';
import {
  CONSOLE_NAMESPACE,
  type CallDetail,
  type CallSummary,
  type ClientToServerEvents,
  type ServerInfo,
  type ServerToClientEvents,
  type SocketData,
  type TranscriptLine,
} from './contract.ts';

/** Often enough that the words seem live, rarely enough to bound a burst. */
const PARTIAL_INTERVAL_MS = 150;

/**
 * The console's real-time feed: every live call, its IVR steps and its transcript as it
 * is spoken. Partial transcripts are paced (the newest words at most every
 * PARTIAL_INTERVAL_MS per speaker, see partial-pacer.ts); finals always go at once.
 *
 * Access is one shared token for now (CONSOLE_TOKEN); operator logins and roles come
 * with the full workspace.
 */
export interface ConsoleDeps {
  readonly registry: CallRegistry;
  readonly suggester: LiveSuggester;
  readonly flags: LiveFlags;
  /** Plays the warning to the caller through Twilio's API and ends the call. */
  readonly playWarning: (call: CallRecord) => Promise<void>;
  /** Whether a scenario id exists (active or retired) in the knowledge base. */
  readonly knowsScenario: (id: string) => boolean;
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
    ...(call.selfService ? { selfService: call.selfService } : {}),
  };
}

const flagDecision = z.object({
  callSid: z.string().regex(/^CA[0-9a-f]{32}$/, 'expected a CallSid'),
  key: z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'expected kind.category'),
  decision: z.enum(['confirmed', 'dismissed']),
});

const kbUseRequest = z.object({
  callSid: z.string().regex(/^CA[0-9a-f]{32}$/, 'expected a CallSid'),
  id: z.string().min(1).max(120),
  rank: z.number().int().min(1).max(50).nullable().default(null),
});

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

  const NO_CALL = 'no live call with that CallSid';
  const liveCall = (callSid: unknown) => (typeof callSid === 'string' ? registry.get(callSid) : undefined);
  /** Validates a request about a live call: the call and the request, or the error to send back. */
  const forLiveCall = <T extends { callSid: string }>(schema: z.ZodType<T>, request: unknown): { error: string } | { call: CallRecord; data: T } => {
    const parsed = schema.safeParse(request);
    if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    const call = liveCall(parsed.data.callSid);
    return call ? { call, data: parsed.data } : { error: NO_CALL };
  };

  nsp.on('connection', (socket) => {
    deps.metrics.consoleClients.inc();
    socket.emit('server:info', deps.info);
    socket.emit('calls:snapshot', registry.liveCalls().map(summarize));
    socket.on('call:get', (callSid, ack) => {
      if (typeof ack !== 'function') return;
      const call = liveCall(callSid);
      if (!call) return ack({ ok: false, error: NO_CALL });
      const detail: CallDetail = { ...summarize(call), transcript: call.transcript, suggestions: deps.suggester.current(call.callSid), kbUsed: call.kbUsed ?? [], flags: deps.flags.current(call.callSid) };
      ack({ ok: true, call: detail });
    });
    socket.on('kb:used', (request, ack) => {
      if (typeof ack !== 'function') return;
      const found = forLiveCall(kbUseRequest, request);
      if ('error' in found) return ack({ ok: false, error: found.error });
      const { call, data } = found;
      if (!deps.knowsScenario(data.id)) return ack({ ok: false, error: `no scenario ${data.id} in the knowledge base` });
      const use = registry.kbUsed(call, { id: data.id, rank: data.rank, operator: socket.data.role });
      ack({ ok: true, use });
    });
    socket.on('flag:decide', (request, ack) => {
      if (typeof ack !== 'function') return;
      const found = forLiveCall(flagDecision, request);
      if ('error' in found) return ack({ ok: false, error: found.error });
      const { call, data } = found;
      const flag = deps.flags.decide(call, data.key, data.decision, socket.data.role);
      if (!flag) return ack({ ok: false, error: `no flag ${data.key} on that call` });
      ack({ ok: true, flag });
    });
    socket.on('call:warn', async (callSid, ack) => {
      if (typeof ack !== 'function') return;
      const call = liveCall(callSid);
      if (!call) return ack({ ok: false, error: NO_CALL });
      const abuse = deps.flags.current(call.callSid).find((f) => f.kind === 'abuse' && f.warn && f.decision?.decision !== 'dismissed');
      if (!abuse) return ack({ ok: false, error: 'the warning is for a caller whose abuse reached the warning count' });
      try {
        await deps.playWarning(call);
        deps.flags.decide(call, abuse.key, 'confirmed', socket.data.role);
        ack({ ok: true });
      } catch (error) {
        ack({ ok: false, error: error instanceof CallControlError ? error.message : 'the warning could not be played' });
      }
    });
    socket.on('disconnect', () => deps.metrics.consoleClients.dec());
  });

  registry.on('started', (call) => nsp.emit('call:started', summarize(call)));
  registry.on('queued', (call) => nsp.emit('call:updated', summarize(call)));
  registry.on('ivr', (call, step) => nsp.emit('call:ivr', { callSid: call.callSid, step }));
  const partials = new PartialPacer<TranscriptLine>(PARTIAL_INTERVAL_MS, (line) => nsp.emit('transcript:partial', line));
  registry.on('transcript', (call, r) => {
    const line = { callSid: call.callSid, speaker: r.speaker, text: r.text, final: r.final, offsetMs: r.offsetMs, durationMs: r.durationMs };
    if (!r.final) return partials.partial(line);
    partials.final(line);
    nsp.emit('transcript:final', line);
  });
  deps.suggester.on('update', (update) => nsp.emit('suggestions:update', update));
  deps.flags.on('update', (update) => nsp.emit('flags:update', update));
  deps.flags.on('alert', (alert) => {
    const call = registry.get(alert.callSid);
    nsp.emit('alert:supervisor', { ...alert, caller: call ? maskPhone(call.from) : '' });
  });
  registry.on('ended', (call) => {
    partials.ended(call.callSid);
    nsp.emit('call:ended', { callSid: call.callSid, endedAt: call.endedAt!, reason: call.endReason ?? '' });
  });
}
