/**
 * Earlier calls by caller (keyed hash of the number, never the number) and by topic, for
 * the repeat detector. In memory, each caller's calls kept in time order, so a lookup is
 * a binary search plus the calls in the window, whatever the size of the history.
 * A store-backed history (PostgreSQL at city scale) implements the same interface.
 *
 * @example
 *   history.record({ callerHash, atMs, scenarioId: 'gjj.loan', outcome: 'answered' });
 *   history.byCaller(callerHash, atMs - 86_400_000, atMs); // the last day's calls, oldest first
 */
export interface PastCall {
  readonly callerHash: string;
  readonly atMs: number;
  readonly scenarioId: string | null;
  /** The place the caller named (和平路), or null. */
  readonly place?: string | null;
  readonly outcome: string | null;
}

export interface CallerHistory {
  record(call: PastCall): void;
  /** A caller's calls in [sinceMs, beforeMs), oldest first. */
  byCaller(callerHash: string, sinceMs: number, beforeMs: number): readonly PastCall[];
  /** Calls on a scenario in [sinceMs, beforeMs), oldest first. */
  byTopic(scenarioId: string, sinceMs: number, beforeMs: number): readonly PastCall[];
  readonly size: number;
}

/** The first index whose call is at or after `atMs`. */
function lowerBound(calls: readonly PastCall[], atMs: number): number {
  let lo = 0;
  let hi = calls.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (calls[mid]!.atMs < atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertInOrder(calls: PastCall[], call: PastCall): void {
  // Calls arrive almost always in order: append, else insert where it belongs.
  if (!calls.length || calls[calls.length - 1]!.atMs <= call.atMs) calls.push(call);
  else calls.splice(lowerBound(calls, call.atMs + 1), 0, call);
}

export class MemoryCallerHistory implements CallerHistory {
  private readonly callers = new Map<string, PastCall[]>();
  private readonly topics = new Map<string, PastCall[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  record(call: PastCall): void {
    let calls = this.callers.get(call.callerHash);
    if (!calls) this.callers.set(call.callerHash, (calls = []));
    insertInOrder(calls, call);
    if (call.scenarioId) {
      let topic = this.topics.get(call.scenarioId);
      if (!topic) this.topics.set(call.scenarioId, (topic = []));
      insertInOrder(topic, call);
    }
    this.count++;
  }

  byCaller(callerHash: string, sinceMs: number, beforeMs: number): readonly PastCall[] {
    return window(this.callers.get(callerHash), sinceMs, beforeMs);
  }

  byTopic(scenarioId: string, sinceMs: number, beforeMs: number): readonly PastCall[] {
    return window(this.topics.get(scenarioId), sinceMs, beforeMs);
  }
}

function window(calls: readonly PastCall[] | undefined, sinceMs: number, beforeMs: number): readonly PastCall[] {
  if (!calls) return [];
  return calls.slice(lowerBound(calls, sinceMs), lowerBound(calls, beforeMs));
}
