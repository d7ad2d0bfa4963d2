import { randomBytes } from 'node:crypto';
import type { CallRecord } from '../../server/calls/call.ts';
import type { Hotline } from '../../server/main.ts';
import type { Speaker } from '../../server/speech/recognizer.ts';
import { ACCOUNT_SID } from './hotline.ts';

/**
 * A call driven through the call registry — the path the media socket's recognisers feed —
 * without Twilio or audio, for tests and benchmarks that need many lines fast. What the
 * console sees is what it sees of a real call: the same registry events, feed and rooms.
 *
 * @example
 *   const call = registryCall(t.hotline, '+8613800001234'); // queued: the dispatcher gives it to an available operator
 *   call.say('caller', '我的社保卡丢了', 1000);
 *   call.end();
 */
export interface RegistryCall {
  readonly callSid: string;
  readonly record: CallRecord;
  /** A final line (a partial with `final: false`), `offsetMs` into the call. */
  say(speaker: Speaker, text: string, offsetMs: number, options?: { final?: boolean; durationMs?: number }): void;
  end(): void;
}

export function registryCall(hotline: Hotline, from: string, queue = 'consult'): RegistryCall {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const record = hotline.registry.start({ callSid, accountSid: ACCOUNT_SID, from, to: '+8612345', status: 'in-progress' });
  hotline.registry.queued(record, queue, queue);
  return {
    callSid,
    record,
    say(speaker, text, offsetMs, options = {}) {
      hotline.registry.transcript(record, { speaker, text, final: options.final ?? true, offsetMs, durationMs: options.durationMs ?? 1500 });
    },
    end() {
      hotline.registry.status(callSid, 'completed');
    },
  };
}
