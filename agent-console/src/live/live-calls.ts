import type { ServerToClientEvents } from '../../../server/console/contract.ts';
import type { ConsoleSocket } from '../app/console-socket.ts';
import { EMPTY, reduce, type CallsEvent, type CallsState } from './calls-state.ts';

/**
 * The calls a console sees, kept up to date from the socket, for any page of the app
 * (`useLiveCalls()` in React). It owns the catching up after a drop:
 * - the socket dropped: the partials on screen go (they are volatile, never replayed);
 * - it came back with socket.io's connection-state recovery (`socket.recovered`): the
 *   events missed meanwhile were replayed to the handlers before `connect`, nothing to do;
 * - it came back without (a reload, a drop longer than the server keeps): every call
 *   whose detail was fetched is fetched again with `call:get`, once the snapshot is in,
 *   and merged; transcripts deduplicated by (speaker, offsetMs).
 *
 * @example
 *   const live = new LiveCalls(socket, { loadAll: identity.role === 'operator' });
 *   live.subscribe(() => render(live.getState()));
 *   await live.load(callSid); // whole transcript so far, then live
 */
export interface LiveCallsOptions {
  /** Fetch every listed call's detail (an operator has a few calls), or only those asked for with `load` (a supervisor may see hundreds). */
  readonly loadAll: boolean;
  /** How long an ended call stays listed (unless `keep` says it is still needed). */
  readonly endedKeptMs?: number;
}

export class LiveCalls {
  private state: CallsState = EMPTY;
  private readonly listeners = new Set<() => void>();
  /** Calls whose detail was asked for: fetched again after a reconnect that lost state. */
  private readonly wanted = new Set<string>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly offs: (() => void)[] = [];
  private keepers: (callSid: string) => boolean = () => false;

  constructor(
    private readonly socket: ConsoleSocket,
    private readonly options: LiveCallsOptions,
  ) {
    const handlers: { [E in keyof ServerToClientEvents]?: ServerToClientEvents[E] } = {
      'calls:snapshot': (calls) => {
        this.apply({ type: 'snapshot', calls });
        for (const call of calls) if (call.state === 'ended') this.forgetLater(call.callSid);
        for (const call of calls) if (this.options.loadAll || this.wanted.has(call.callSid)) void this.load(call.callSid);
      },
      'call:started': (call) => this.apply({ type: 'summary', call }),
      'call:updated': (call) => {
        this.apply({ type: 'summary', call });
        // An operator first hears of a call when it is given to them.
        if (this.options.loadAll && !this.state.calls.get(call.callSid)?.loaded) void this.load(call.callSid);
      },
      'call:ivr': ({ callSid, step }) => this.apply({ type: 'ivr', callSid, step }),
      'transcript:partial': (line) => this.apply({ type: 'transcript', line }),
      'transcript:final': (line) => this.apply({ type: 'transcript', line }),
      'call:ended': ({ callSid, endedAt }) => {
        this.apply({ type: 'ended', callSid, endedAt });
        this.forgetLater(callSid);
      },
      'suggestions:update': ({ callSid, items }) => this.apply({ type: 'suggestions', callSid, items }),
      'flags:update': ({ callSid, flags }) => this.apply({ type: 'flags', callSid, flags }),
      'wrapup:draft': ({ callSid, draft }) => this.apply({ type: 'draft', callSid, draft }),
    };
    for (const [event, handler] of Object.entries(handlers)) {
      socket.on(event as keyof ServerToClientEvents, handler as never);
      this.offs.push(() => socket.off(event as keyof ServerToClientEvents, handler as never));
    }
    const dropped = () => this.apply({ type: 'disconnected' });
    const connected = () => {
      if (!socket.recovered) this.apply({ type: 'stale' });
    };
    socket.on('disconnect', dropped);
    socket.on('connect', connected);
    this.offs.push(() => socket.off('disconnect', dropped), () => socket.off('connect', connected));
  }

  getState = (): CallsState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Applies an event of the page's own (an acknowledged action) as if it had come from the server. */
  apply(event: CallsEvent): void {
    const next = reduce(this.state, event);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  /** Fetches a call's whole detail and merges it in; kept wanted, so a reconnect fetches it again. */
  load(callSid: string): Promise<void> {
    this.wanted.add(callSid);
    const running = this.loading.get(callSid);
    if (running) return running;
    const done = this.socket
      .timeout(10_000)
      .emitWithAck('call:get', callSid)
      .then(
        (result) => {
          if (result.ok) this.apply({ type: 'detail', call: result.call });
          else this.wanted.delete(callSid); // gone, or not ours: the snapshot drops it
        },
        () => undefined, // no answer (the socket dropped): the next snapshot asks again
      )
      .finally(() => this.loading.delete(callSid));
    this.loading.set(callSid, done);
    return done;
  }

  /** Says which ended calls must stay listed for now (the one whose wrap-up is being written). */
  keep(predicate: (callSid: string) => boolean): void {
    this.keepers = predicate;
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
  }

  private forgetLater(callSid: string): void {
    if (this.timers.has(callSid)) return;
    const timer = setTimeout(() => {
      this.timers.delete(callSid);
      if (!this.state.calls.has(callSid)) return;
      if (this.keepers(callSid)) return this.forgetLater(callSid);
      this.wanted.delete(callSid);
      this.apply({ type: 'forget', callSid });
    }, this.options.endedKeptMs ?? 60_000);
    this.timers.set(callSid, timer);
  }
}
