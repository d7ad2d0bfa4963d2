import type { CallSummary, OperatorStatus, QueueLength, WallboardResult } from '../../../server/console/contract.ts';
import type { ConsoleSocket } from '../app/console-socket.ts';
import type { LiveCalls } from '../live/live-calls.ts';

/**
 * What the wallboard shows besides the calls' words: the live calls' summaries (from the
 * shell's LiveCalls), every operator's state and the queues. It asks the server for all of
 * it whole (`wallboard:get`) when it opens and after every reconnection, then follows the
 * events. The summaries list keeps its identity while no summary changed, so the hundreds
 * of transcript events a busy floor sends do not re-render the board, only the words.
 */
export interface BoardState {
  /** Live calls (not ended), in no order: sort with urgency.ts. */
  readonly calls: readonly CallSummary[];
  readonly operators: readonly OperatorStatus[];
  readonly queues: readonly QueueLength[];
}

export class BoardStore {
  private operators = new Map<string, OperatorStatus>();
  private queues: readonly QueueLength[] = [];
  private state: BoardState = { calls: [], operators: [], queues: [] };
  private lastCalls: ReadonlyMap<string, unknown> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly socket: ConsoleSocket,
    private readonly live: LiveCalls,
  ) {
    const onOperators = (list: OperatorStatus[]) => {
      this.operators = new Map(list.map((o) => [o.userId, o]));
      this.publish(true);
    };
    const onState = (status: OperatorStatus) => {
      this.operators = new Map(this.operators).set(status.userId, status);
      this.publish(true);
    };
    const onQueues = (queues: QueueLength[]) => {
      this.queues = queues;
      this.publish(true);
    };
    const fetch = () => this.fetch();
    socket.on('operators:snapshot', onOperators);
    socket.on('operator:state', onState);
    socket.on('queues:update', onQueues);
    socket.on('connect', fetch);
    this.offs.push(
      () => socket.off('operators:snapshot', onOperators),
      () => socket.off('operator:state', onState),
      () => socket.off('queues:update', onQueues),
      () => socket.off('connect', fetch),
      live.subscribe(() => this.publish(false)),
    );
    if (socket.connected) this.fetch();
    this.publish(true);
  }

  getState = (): BoardState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  close(): void {
    for (const off of this.offs.splice(0)) off();
    this.listeners.clear();
  }

  private fetch(): void {
    this.socket.timeout(10_000).emit('wallboard:get', (error: Error | null, result: WallboardResult) => {
      if (error || !result.ok) return;
      this.operators = new Map(result.board.operators.map((o) => [o.userId, o]));
      this.queues = result.board.queues;
      this.live.apply({ type: 'snapshot', calls: result.board.calls });
      this.publish(true);
    });
  }

  /** Recomputes the state; the calls list only when a summary changed. */
  private publish(others: boolean): void {
    const views = this.live.getState().calls;
    let calls = this.state.calls;
    if (views !== this.lastCalls) {
      const next = [...views.values()].filter((v) => v.summary.state !== 'ended').map((v) => v.summary);
      if (next.length !== calls.length || next.some((s, i) => s !== calls[i])) calls = next;
      this.lastCalls = views;
    }
    if (calls === this.state.calls && !others) return;
    this.state = { calls, operators: others ? [...this.operators.values()] : this.state.operators, queues: this.queues };
    for (const listener of this.listeners) listener();
  }
}
