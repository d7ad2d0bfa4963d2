import type { CallState } from '../../../server/calls/call.ts';

/**
 * Which call the desk shows, pure: the operator's choice stays; with none (or once it
 * left the list) the first call is shown; when the chosen call has ended and a new call
 * comes in, the new one is shown — the operator is given a call only once they are free.
 */
export interface Listed {
  readonly callSid: string;
  readonly state: CallState;
}

export function nextSelection(selected: string | null, list: readonly Listed[], known: ReadonlySet<string>): string | null {
  const current = selected ? list.find((c) => c.callSid === selected) : undefined;
  const arrived = list.find((c) => !known.has(c.callSid) && c.state !== 'ended');
  if (!current) return (arrived ?? list.find((c) => c.state !== 'ended') ?? list[0])?.callSid ?? null;
  if (current.state === 'ended' && arrived) return arrived.callSid;
  return current.callSid;
}
