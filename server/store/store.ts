import type { CallRecord } from '../calls/call.ts';

/**
 * Where calls live between restarts. The embedded default is lowdb files; a city that
 * outgrows one node brings PostgreSQL behind the same interface.
 *
 * @example
 *   store.save(call);            // returns at once; the write is batched
 *   await store.flush();         // at shutdown
 */
export interface CallStore {
  /** Calls that started at or after `sinceMs` (epoch ms). */
  load(sinceMs: number): Promise<CallRecord[]>;
  /** Queues the call's current state for writing. Never waits on I/O. */
  save(call: CallRecord): void;
  /** Writes everything queued. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
