import { io, type Socket } from 'socket.io-client';
import type { FlagsUpdate, SupervisorAlert } from '../../server/assist/live-flags.ts';
import type { SuggestionUpdate } from '../../server/assist/live-suggestions.ts';
import type { ClientToServerEvents, OperatorStatus, ServerToClientEvents, TranscriptLine } from '../../server/console/contract.ts';

export type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How a console client gets in: a signed-in session's cookie (people), or the service token (tools). */
export type ConsoleCredential = { readonly cookie: string } | { readonly token: string };

/** A real socket.io console client that records what it receives. */
export async function consoleClient(url: string, credential: ConsoleCredential) {
  const socket: ConsoleSocket = io(`${url}/console`, {
    ...('cookie' in credential ? { extraHeaders: { cookie: credential.cookie } } : { auth: { token: credential.token } }),
    transports: ['websocket'],
    reconnection: false,
  });
  const lines: (TranscriptLine & { receivedMs: number })[] = [];
  const suggestions: (SuggestionUpdate & { receivedMs: number })[] = [];
  const flags: (FlagsUpdate & { receivedMs: number })[] = [];
  const alerts: SupervisorAlert[] = [];
  const ended = new Map<string, string>();
  const started: string[] = [];
  /** Every call this client heard of, by any event. */
  const seen = new Set<string>();
  const states: OperatorStatus[] = [];
  socket.onAny((_event, payload: unknown) => {
    const sid = (payload as { callSid?: unknown } | null)?.callSid;
    if (typeof sid === 'string') seen.add(sid);
  });
  socket.on('calls:snapshot', (calls) => calls.forEach((c) => seen.add(c.callSid)));
  socket.on('operator:state', (s) => states.push(s));
  socket.on('transcript:partial', (l) => lines.push({ ...l, receivedMs: performance.now() }));
  socket.on('transcript:final', (l) => lines.push({ ...l, receivedMs: performance.now() }));
  socket.on('suggestions:update', (u) => suggestions.push({ ...u, receivedMs: performance.now() }));
  socket.on('flags:update', (u) => flags.push({ ...u, receivedMs: performance.now() }));
  socket.on('alert:supervisor', (a) => alerts.push(a));
  socket.on('call:ended', (e) => ended.set(e.callSid, e.reason));
  socket.on('call:started', (c) => started.push(c.callSid));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, lines, suggestions, flags, alerts, ended, started, seen, states, close: () => socket.close() };
}
