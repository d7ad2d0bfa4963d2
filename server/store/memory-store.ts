import type { CallRecord } from '../calls/call.ts';
import type { CallStore } from './store.ts';

/** Calls kept in memory only: for `analyze` runs and tests that are not about storage. */
export class MemoryCallStore implements CallStore {
  private readonly calls = new Map<string, CallRecord>();

  async load(sinceMs: number): Promise<CallRecord[]> {
    return [...this.calls.values()].filter((c) => Date.parse(c.startedAt) >= sinceMs);
  }

  save(call: CallRecord): void {
    this.calls.set(call.callSid, call);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
