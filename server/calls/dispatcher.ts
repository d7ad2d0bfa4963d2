import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { transferredTo, type CallRecord } from './call.ts';
import type { CallRegistry } from './registry.ts';

/**
 * Gives each call queued for an operator to one: the available operator idle the longest
 * (connected, state `available`, no call in hand). A call nobody can take waits, first
 * come first served, until someone becomes available. On assignment the operator goes
 * `busy`; when their call ends they go `after_call_work` until they say otherwise.
 *
 * Operators' states live here, in memory, by user id: a page reload or a short drop keeps
 * them; an operator with no console open is never given a call.
 *
 * @example
 *   dispatcher.connected({ userId, username, displayName });   // a console socket opened
 *   dispatcher.setState(userId, 'available');                  // may assign a waiting call at once
 *   dispatcher.on('state', (status) => …);
 */
export const OPERATOR_STATES = ['available', 'busy', 'after_call_work'] as const;
export type OperatorState = (typeof OPERATOR_STATES)[number];

export interface OperatorIdentity {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
}

export interface OperatorStatus extends OperatorIdentity {
  readonly state: OperatorState;
  /** When the operator entered this state. */
  readonly since: string;
  readonly connected: boolean;
  /** The live call in hand, if any. */
  readonly callSid: string | null;
}

interface Operator extends OperatorIdentity {
  state: OperatorState;
  sinceMs: number;
  connections: number;
  callSid: string | null;
}

export interface DispatcherOptions {
  readonly registry: CallRegistry;
  readonly logger: Logger;
  /** The state of an operator the first time they connect (since the server started). */
  readonly initialState?: OperatorState;
  readonly now?: () => number;
}

/** Calls waiting in one operator queue, and since when the longest-waiting one waits. */
export interface QueueLength {
  readonly queue: string;
  readonly waiting: number;
  readonly oldestQueuedAt: string | null;
}

export class Dispatcher extends EventEmitter<{ state: [status: OperatorStatus]; queues: [queues: QueueLength[]] }> {
  private readonly operators = new Map<string, Operator>();
  /** CallSids waiting for an operator, oldest first. */
  private readonly waiting: string[] = [];
  private readonly queueNames = new Set<string>();
  private lastQueues = '';
  private readonly now: () => number;

  constructor(private readonly options: DispatcherOptions) {
    super();
    this.now = options.now ?? Date.now;
    const { registry } = options;
    // Calls restored at boot: those in hand stay with their operator, the rest wait.
    for (const call of registry.liveCalls()) {
      // A supervisor or an emergency centre has it: neither in an operator's hands nor waiting.
      if (call.takenOver || transferredTo(call)) continue;
      if (call.operator) this.operatorOf(call.operator, 'busy').callSid = call.callSid;
      else if (call.state === 'queued') this.waiting.push(call.callSid);
      if (call.queue) this.queueNames.add(call.queue);
    }
    registry.on('queued', (call) => {
      if (call.operator || this.waiting.includes(call.callSid)) return;
      this.waiting.push(call.callSid);
      if (call.queue) this.queueNames.add(call.queue);
      this.dispatch();
    });
    registry.on('ended', (call) => this.ended(call));
    registry.on('takenOver', (call) => this.leftOperator(call));
    registry.on('transferred', (call, record) => {
      if (!record.error) this.leftOperator(call);
    });
  }

  connected(identity: OperatorIdentity): OperatorStatus {
    const op = this.operatorOf(identity, this.options.initialState ?? 'available');
    op.connections += 1;
    this.changed(op);
    this.dispatch();
    return status(op);
  }

  disconnected(userId: string): void {
    const op = this.operators.get(userId);
    if (!op) return;
    op.connections = Math.max(0, op.connections - 1);
    if (op.connections === 0) this.changed(op);
  }

  setState(userId: string, state: OperatorState): OperatorStatus | null {
    const op = this.operators.get(userId);
    if (!op) return null;
    if (op.state !== state) this.enter(op, state);
    this.dispatch();
    return status(this.operators.get(userId)!);
  }

  status(userId: string): OperatorStatus | null {
    const op = this.operators.get(userId);
    return op ? status(op) : null;
  }

  statuses(): OperatorStatus[] {
    return [...this.operators.values()].map(status);
  }

  /** How many calls wait for an operator. */
  get queueLength(): number {
    return this.waiting.length;
  }

  /** Calls waiting for an operator, per queue (every queue a call has entered since boot, empty ones too). */
  queues(): QueueLength[] {
    const byQueue = new Map<string, QueueLength>([...this.queueNames].sort().map((q) => [q, { queue: q, waiting: 0, oldestQueuedAt: null }]));
    for (const sid of this.waiting) {
      const call = this.options.registry.get(sid);
      if (!call?.queue) continue;
      const entry = byQueue.get(call.queue) ?? { queue: call.queue, waiting: 0, oldestQueuedAt: null };
      byQueue.set(call.queue, { ...entry, waiting: entry.waiting + 1, oldestQueuedAt: entry.oldestQueuedAt ?? call.queuedAt ?? call.startedAt });
    }
    return [...byQueue.values()];
  }

  private dispatch(): void {
    while (this.waiting.length) {
      const free = [...this.operators.values()].filter((op) => op.connections > 0 && op.state === 'available' && op.callSid === null);
      if (!free.length) break;
      const op = free.reduce((a, b) => (b.sinceMs < a.sinceMs ? b : a));
      const call = this.options.registry.get(this.waiting.shift()!);
      if (!call || call.state === 'ended' || call.operator || call.takenOver || transferredTo(call)) continue;
      op.callSid = call.callSid;
      this.enter(op, 'busy');
      this.options.registry.assign(call, { userId: op.userId, username: op.username, displayName: op.displayName });
    }
    this.queuesChanged();
  }

  /**
   * The caller is with a supervisor (take-over) or an emergency centre (transfer) now: the
   * call leaves the queue, its operator (if any) is free for after-call work.
   */
  private leftOperator(call: CallRecord): void {
    this.leaveQueue(call.callSid);
    const op = call.operator ? this.operators.get(call.operator.userId) : undefined;
    if (!op || op.callSid !== call.callSid) return;
    op.callSid = null;
    this.enter(op, 'after_call_work');
    this.dispatch();
  }

  private leaveQueue(callSid: string): void {
    const at = this.waiting.indexOf(callSid);
    if (at < 0) return;
    this.waiting.splice(at, 1);
    this.queuesChanged();
  }

  private queuesChanged(): void {
    const queues = this.queues();
    const key = JSON.stringify(queues);
    if (key === this.lastQueues) return;
    this.lastQueues = key;
    this.emit('queues', queues);
  }

  private ended(call: CallRecord): void {
    this.leaveQueue(call.callSid);
    const op = call.operator ? this.operators.get(call.operator.userId) : undefined;
    if (!op || op.callSid !== call.callSid) return;
    op.callSid = null;
    this.enter(op, 'after_call_work');
  }

  private operatorOf(identity: OperatorIdentity, initial: OperatorState): Operator {
    let op = this.operators.get(identity.userId);
    if (!op) {
      op = { userId: identity.userId, username: identity.username, displayName: identity.displayName, state: initial, sinceMs: this.now(), connections: 0, callSid: null };
      this.operators.set(identity.userId, op);
    }
    return op;
  }

  private enter(op: Operator, state: OperatorState): void {
    op.state = state;
    op.sinceMs = this.now();
    this.options.logger.info({ operator: op.username, state }, 'operator state');
    this.changed(op);
  }

  private changed(op: Operator): void {
    this.emit('state', status(op));
  }
}

function status(op: Operator): OperatorStatus {
  return { userId: op.userId, username: op.username, displayName: op.displayName, state: op.state, since: new Date(op.sinceMs).toISOString(), connected: op.connections > 0, callSid: op.callSid };
}
