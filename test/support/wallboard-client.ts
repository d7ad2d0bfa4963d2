import { io } from 'socket.io-client';
import type { CallSummary, OperatorStatus, QueueLength, StepInEvent } from '../../server/console/contract.ts';
import type { ConsoleCredential, ConsoleSocket } from './console-client.ts';

/**
 * A real socket.io client keeping what a wallboard keeps: the live calls by CallSid, the
 * operators' states, the queues, and the step-ins and call ends it heard of. Listeners are
 * set before it connects, so the snapshots sent on connection are not missed.
 */
export async function wallboardClient(url: string, credential: ConsoleCredential) {
  const socket: ConsoleSocket = io(`${url}/console`, {
    ...('cookie' in credential ? { extraHeaders: { cookie: credential.cookie } } : { auth: { token: credential.token } }),
    transports: ['websocket'],
    reconnection: false,
    autoConnect: false,
  });
  const calls = new Map<string, CallSummary>();
  const operators = new Map<string, OperatorStatus>();
  const state = { queues: [] as QueueLength[], snapshots: 0 };
  const stepIns: StepInEvent[] = [];
  const ended = new Map<string, string>();
  socket.on('calls:snapshot', (list) => {
    calls.clear();
    list.forEach((c) => calls.set(c.callSid, c));
    state.snapshots++;
  });
  socket.on('call:started', (c) => calls.set(c.callSid, c));
  socket.on('call:updated', (c) => c.state !== 'ended' && calls.set(c.callSid, c));
  socket.on('call:ended', (e) => {
    calls.delete(e.callSid);
    ended.set(e.callSid, e.reason);
  });
  socket.on('operators:snapshot', (list) => {
    operators.clear();
    list.forEach((o) => operators.set(o.userId, o));
  });
  socket.on('operator:state', (s) => operators.set(s.userId, s));
  socket.on('queues:update', (q) => (state.queues = q));
  socket.on('call:step-in', (e) => stepIns.push(e));
  socket.connect();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    socket,
    calls,
    operators,
    stepIns,
    ended,
    get queues() {
      return state.queues;
    },
    /** How many call snapshots arrived (one per connection). */
    get snapshots() {
      return state.snapshots;
    },
    operator: (username: string) => [...operators.values()].find((o) => o.username === username),
    close: () => socket.close(),
  };
}
