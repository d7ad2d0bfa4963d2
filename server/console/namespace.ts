import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import { z } from 'zod';
import type { LiveFlags } from '../assist/live-flags.ts';
import type { LiveSuggester } from '../assist/live-suggestions.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import { seesAllCalls, type Principal } from '../auth/roles.ts';
import type { CallRecord, EmergencyService } from '../calls/call.ts';
import { OPERATOR_STATES, type Dispatcher } from '../calls/dispatcher.ts';
import type { CallRegistry } from '../calls/registry.ts';
import { maskPhone } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { CallControlError } from '../telephony/call-control.ts';
import { CONSOLE_NAMESPACE, type CallDetail, type ClientToServerEvents, type ServerInfo, type ServerToClientEvents, type SocketData } from './contract.ts';
import { attachFeed } from './feed.ts';
import { authenticateSockets } from './handshake.ts';
import { refuseForeignOrigins } from './origin.ts';
import { StepIns } from './step-in.ts';
import { Transfers } from './transfer.ts';
import { callRoom, SUPERVISORS, userRoom } from './rooms.ts';
import { summarize } from './summary.ts';
import { unknownReference, wrapUpRefusal, wrapUpRequest } from './wrap-up-request.ts';

export { summarize };

/**
 * The socket.io namespace `/console`: who gets in (handshake.ts), what reaches whom
 * (feed.ts, by rooms), and the requests a console makes about a call. Every request
 * about a call is checked here: an operator may read and act on the calls assigned to
 * them only; supervisors and above on every call; the service token reads every call
 * and acts on none.
 */
export interface ConsoleDeps {
  readonly registry: CallRegistry;
  readonly dispatcher: Dispatcher;
  readonly suggester: LiveSuggester;
  readonly flags: LiveFlags;
  readonly auth: Authenticator;
  /** Plays the warning to the caller through Twilio's API and ends the call. */
  readonly playWarning: (call: CallRecord) => Promise<void>;
  /** Moves the caller to a supervisor's softphone through Twilio's API (a supervisor's take-over). */
  readonly takeOver: (call: CallRecord, supervisorIdentity: string) => Promise<void>;
  /** Hangs the call up through Twilio's API (a supervisor ending it); the status Twilio answered with. */
  readonly hangUp: (call: CallRecord) => Promise<string>;
  /** What Twilio dials for 110 / 119 / 120 (config: EMERGENCY_DIAL_*). */
  readonly emergencyDial: Readonly<Record<EmergencyService, string>>;
  /** Redirects the caller to an announcement and a <Dial> to `dialTo` through Twilio's API (call:transfer). */
  readonly transfer: (call: CallRecord, service: EmergencyService, dialTo: string) => Promise<void>;
  /** Whether a scenario id exists (active or retired) in the knowledge base. */
  readonly knowsScenario: (id: string) => boolean;
  /** Whether a department id is in the responsibility list (departments.tsv). */
  readonly knowsDepartment: (id: string) => boolean;
  /** Origins whose pages may open a console socket besides the request's own host (PUBLIC_URL's, CONSOLE_ORIGINS). */
  readonly consoleOrigins: () => readonly string[];
  readonly info: ServerInfo;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export type ConsoleServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const callSid = z.string().regex(/^CA[0-9a-f]{32}$/, 'expected a CallSid');
const callRequest = z.object({ callSid });
const flagDecision = z.object({
  callSid,
  key: z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'expected kind.category'),
  decision: z.enum(['confirmed', 'dismissed']),
});
const kbUseRequest = z.object({
  callSid,
  id: z.string().min(1).max(120),
  rank: z.number().int().min(1).max(50).nullable().default(null),
});
const operatorState = z.enum(OPERATOR_STATES);
const escalation = z.object({ callSid, key: flagDecision.shape.key });

const NO_CALL = 'no live call with that CallSid';
const NO_RECENT_CALL = 'no live or recently ended call with that CallSid';
const NOT_YOURS = 'that call is not assigned to you';
const READ_ONLY = 'the service token watches calls and cannot act on them; sign in';

/** `decide`: acting on a call that may have ended meanwhile (deciding a flag, asking the supervisors about it). */
type Action = 'read' | 'act' | 'decide' | 'wrapup';

/** Why `who` may not read (or act on, or wrap up) the call, or null when they may. */
function refusal(who: Principal, call: CallRecord, action: Action): string | null {
  if (action === 'wrapup') return wrapUpRefusal(who, call);
  if ((action === 'act' || action === 'decide') && who.kind === 'service') return READ_ONLY;
  if (!seesAllCalls(who.role) && call.operator?.userId !== who.userId) return NOT_YOURS;
  return null;
}

export function attachConsole(io: ConsoleServer, deps: ConsoleDeps): void {
  const nsp = io.of(CONSOLE_NAMESPACE);
  const { registry, dispatcher } = deps;
  refuseForeignOrigins(nsp, { allowed: deps.consoleOrigins, logger: deps.logger });
  authenticateSockets(nsp, deps.auth, deps.logger);
  attachFeed(nsp, deps);
  const stepIns = new StepIns({ registry, takeOver: deps.takeOver, hangUp: deps.hangUp, logger: deps.logger });
  const transfers = new Transfers({ registry, emergencyDial: deps.emergencyDial, transfer: deps.transfer, logger: deps.logger });

  // Sign-out, expiry, a disabled account: its sockets are closed at once.
  deps.auth.sessions.on('ended', (key, reason) => {
    for (const socket of nsp.sockets.values()) {
      if (socket.data.sessionKey !== key) continue;
      deps.logger.info({ username: socket.data.username, reason }, 'console session ended');
      socket.disconnect(true);
    }
  });

  /**
   * Validates a request about a call and checks who asks: the call and the request, or the
   * error to send back. Reading and wrapping up also find calls that ended a while ago.
   */
  const forCall = <T extends { callSid: string }>(who: Principal, schema: z.ZodType<T, unknown>, request: unknown, action: Action): { error: string } | { call: CallRecord; data: T } => {
    const parsed = schema.safeParse(request);
    if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    const call = action === 'act' ? registry.get(parsed.data.callSid) : registry.find(parsed.data.callSid);
    if (!call) return { error: action === 'act' ? NO_CALL : NO_RECENT_CALL };
    const refused = refusal(who, call, action);
    if (refused) {
      deps.logger.warn({ username: who.username, callSid: call.callSid, action }, 'console request refused');
      return { error: refused };
    }
    return { call, data: parsed.data };
  };

  nsp.on('connection', (socket) => {
    const me = socket.data;
    deps.metrics.consoleClients.inc();
    if (me.sessionKey) deps.auth.sessions.hold(me.sessionKey);
    socket.emit('server:info', deps.info);
    socket.emit('session:identity', { username: me.username, displayName: me.displayName, role: me.role, service: me.kind === 'service' });
    if (seesAllCalls(me.role)) {
      void socket.join(SUPERVISORS);
      socket.emit('calls:snapshot', registry.liveCalls().map(summarize));
      socket.emit('operators:snapshot', dispatcher.statuses());
      socket.emit('queues:update', dispatcher.queues());
      for (const status of dispatcher.statuses()) socket.emit('operator:state', status);
    } else {
      const mine = registry.liveCalls().filter((c) => c.operator?.userId === me.userId);
      void socket.join([userRoom(me.userId), ...mine.map((c) => callRoom(c.callSid))]);
      // Their ended calls still without a wrap-up come too, so a reload keeps the wrap-up at hand.
      const toWrapUp = registry.endedCalls().filter((c) => c.operator?.userId === me.userId && !c.wrapUp);
      socket.emit('calls:snapshot', [...mine, ...toWrapUp].map(summarize));
      dispatcher.connected(me); // emits this operator's state to their room, this socket included
    }

    socket.on('call:get', (sid, ack) => {
      if (typeof ack !== 'function') return;
      const found = forCall(me, callRequest, { callSid: sid }, 'read');
      if ('error' in found) return ack({ ok: false, error: found.error === 'callSid: expected a CallSid' ? NO_RECENT_CALL : found.error });
      const { call } = found;
      const detail: CallDetail = {
        ...summarize(call),
        transcript: call.transcript,
        suggestions: deps.suggester.current(call.callSid),
        kbUsed: call.kbUsed ?? [],
        flags: deps.flags.current(call.callSid),
        wrapUpDraft: call.wrapUpDraft ?? null,
      };
      ack({ ok: true, call: detail });
    });

    socket.on('kb:used', (request, ack) => {
      if (typeof ack !== 'function') return;
      const found = forCall(me, kbUseRequest, request, 'act');
      if ('error' in found) return ack({ ok: false, error: found.error });
      const { call, data } = found;
      if (!deps.knowsScenario(data.id)) return ack({ ok: false, error: `no scenario ${data.id} in the knowledge base` });
      ack({ ok: true, use: registry.kbUsed(call, { id: data.id, rank: data.rank, operator: me.username }) });
    });

    socket.on('flag:decide', (request, ack) => {
      if (typeof ack !== 'function') return;
      const found = forCall(me, flagDecision, request, 'decide');
      if ('error' in found) return ack({ ok: false, error: found.error });
      const { call, data } = found;
      const flag = deps.flags.decide(call, data.key, data.decision, me.username);
      if (!flag) return ack({ ok: false, error: `no flag ${data.key} on that call` });
      ack({ ok: true, flag });
    });

    socket.on('call:warn', async (sid, ack) => {
      if (typeof ack !== 'function') return;
      const found = forCall(me, callRequest, { callSid: sid }, 'act');
      if ('error' in found) return ack({ ok: false, error: found.error === 'callSid: expected a CallSid' ? NO_CALL : found.error });
      const { call } = found;
      const abuse = deps.flags.current(call.callSid).find((f) => f.kind === 'abuse' && f.warn && f.decision?.decision !== 'dismissed');
      if (!abuse) return ack({ ok: false, error: 'the warning is for a caller whose abuse reached the warning count' });
      try {
        await deps.playWarning(call);
        deps.flags.decide(call, abuse.key, 'confirmed', me.username);
        ack({ ok: true });
      } catch (error) {
        ack({ ok: false, error: error instanceof CallControlError ? error.message : 'the warning could not be played' });
      }
    });

    socket.on('call:escalate', (request, ack) => {
      if (typeof ack !== 'function') return;
      const found = forCall(me, escalation, request, 'decide');
      if ('error' in found) return ack({ ok: false, error: found.error });
      const { call, data } = found;
      const flag = deps.flags.current(call.callSid).find((f) => f.key === data.key);
      if (!flag) return ack({ ok: false, error: `no flag ${data.key} on that call` });
      deps.logger.info({ callSid: call.callSid, username: me.username, flag: flag.key }, 'operator alerted the supervisors');
      nsp.to(SUPERVISORS).emit('alert:supervisor', { callSid: call.callSid, flag, reason: 'operator', at: new Date().toISOString(), caller: maskPhone(call.from) });
      ack({ ok: true });
    });

    socket.on('call:wrapup', (request, ack) => {
      if (typeof ack !== 'function') return;
      const found = forCall(me, wrapUpRequest, request, 'wrapup');
      if ('error' in found) return ack({ ok: false, error: found.error });
      const { call, data } = found;
      const unknown = unknownReference(data, deps);
      if (unknown) return ack({ ok: false, error: unknown });
      const { callSid: _, note, ...fields } = data;
      const wrapUp = registry.wrapUp(call, { ...fields, ...(note ? { note } : {}) }, me.username);
      // The wrap-up is the after-call work: once the operator submits theirs, they take calls again.
      const status = call.operator?.userId === me.userId ? dispatcher.status(me.userId) : null;
      if (status?.state === 'after_call_work' && status.callSid === null) dispatcher.setState(me.userId, 'available');
      ack({ ok: true, wrapUp });
    });

    socket.on('wallboard:get', (ack) => {
      if (typeof ack !== 'function') return;
      if (!seesAllCalls(me.role)) return ack({ ok: false, error: 'the wallboard is for supervisors, managers and admins' });
      ack({ ok: true, board: { calls: registry.liveCalls().map(summarize), operators: dispatcher.statuses(), queues: dispatcher.queues() } });
    });

    socket.on('call:step-in', async (request, ack) => {
      if (typeof ack !== 'function') return;
      ack(await stepIns.handle(me, request));
    });

    socket.on('call:transfer', async (request, ack) => {
      if (typeof ack !== 'function') return;
      const result = await transfers.handle(me, request);
      // Handing the caller to 110/119/120 confirms the emergency (a decided flag becomes a training example).
      if (result.ok) {
        const call = registry.get(request.callSid);
        const emergency = deps.flags.current(request.callSid).find((f) => f.kind === 'urgent' && f.severity === 'emergency' && !f.decision);
        if (call && emergency) deps.flags.decide(call, emergency.key, 'confirmed', me.username);
      }
      ack(result);
    });

    socket.on('operator:state', (state, ack) => {
      if (typeof ack !== 'function') return;
      if (me.role !== 'operator' || me.kind !== 'user') return ack({ ok: false, error: 'only operators take calls and have a state' });
      const parsed = operatorState.safeParse(state);
      if (!parsed.success) return ack({ ok: false, error: `expected one of ${OPERATOR_STATES.join(', ')}` });
      const status = dispatcher.setState(me.userId, parsed.data);
      ack(status ? { ok: true, status } : { ok: false, error: 'not connected as an operator' });
    });

    socket.on('disconnect', () => {
      deps.metrics.consoleClients.dec();
      if (me.sessionKey) deps.auth.sessions.release(me.sessionKey);
      if (!seesAllCalls(me.role)) dispatcher.disconnected(me.userId);
    });
  });
}
