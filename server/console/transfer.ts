import type { Logger } from 'pino';
import { z } from 'zod';
import type { Principal } from '../auth/roles.ts';
import { EMERGENCY_SERVICES, transferredTo, type CallRecord, type EmergencyService } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import { CallControlError } from '../telephony/call-control.ts';
import type { TransferResult } from './contract.ts';

/**
 * Handing a caller to 110 / 119 / 120 (`call:transfer`). Decided here: who may (the call's
 * operator, supervisors and admins; other operators, managers and the service token are
 * refused), on which calls, and what it does. Twilio redirects the live call to an
 * announcement and a <Dial> to the configured centre (emergency-transfer.ts); once it
 * accepted, the transfer is on the call and its operator goes to after-call work
 * (dispatcher, as for a take-over). A refused attempt is recorded with Twilio's error and
 * changes nothing else, so the operator can try again or dial themselves.
 *
 * One transfer per call at a time: a second one while Twilio answers the first is refused.
 */
export interface TransferDeps {
  readonly registry: CallRegistry;
  /** What Twilio dials for each service (EMERGENCY_DIAL_110/119/120). */
  readonly emergencyDial: Readonly<Record<EmergencyService, string>>;
  /** Redirects the live call to the announcement and the <Dial> (Twilio REST). */
  readonly transfer: (call: CallRecord, service: EmergencyService, dialTo: string) => Promise<void>;
  readonly logger: Logger;
}

const transferRequest = z.object({
  callSid: z.string().regex(/^CA[0-9a-f]{32}$/, 'expected a CallSid'),
  to: z.enum(EMERGENCY_SERVICES, { error: 'expected 110, 119 or 120' }),
});

export const TRANSFER_REFUSED = {
  service: 'the service token watches calls and cannot transfer them; sign in',
  role: (role: string) => `only the call's operator, supervisors and admins transfer calls (signed in as ${role})`,
  noCall: 'no live call with that CallSid',
  notYours: 'that call is not assigned to you',
  takenOver: (name: string) => `${name} has taken that call over; the caller is no longer with you`,
  busy: 'a transfer of that call is under way',
  done: (to: string, name: string) => `already transferred to ${to} by ${name}`,
} as const;

export class Transfers {
  private readonly pending = new Set<string>();

  constructor(private readonly deps: TransferDeps) {}

  async handle(me: Principal, request: unknown): Promise<TransferResult> {
    if (me.kind === 'service') return this.refuse(me, TRANSFER_REFUSED.service);
    if (me.role === 'manager') return this.refuse(me, TRANSFER_REFUSED.role(me.role));
    const parsed = transferRequest.safeParse(request);
    if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') };
    const { callSid, to } = parsed.data;
    const call = this.deps.registry.get(callSid);
    if (!call) return { ok: false, error: TRANSFER_REFUSED.noCall };
    if (me.role === 'operator') {
      if (call.operator?.userId !== me.userId) return this.refuse(me, TRANSFER_REFUSED.notYours);
      if (call.takenOver) return { ok: false, error: TRANSFER_REFUSED.takenOver(call.takenOver.displayName) };
    }
    const done = transferredTo(call);
    if (done) return { ok: false, error: TRANSFER_REFUSED.done(done.to, done.byName) };
    if (this.pending.has(callSid)) return { ok: false, error: TRANSFER_REFUSED.busy };
    this.pending.add(callSid);
    try {
      const dialed = this.deps.emergencyDial[to];
      const failed = await this.twilio(() => this.deps.transfer(call, to, dialed));
      const transfer = this.deps.registry.transfer(call, { to, dialed, by: me.username, byName: me.displayName, ...(failed ? { error: failed } : {}) });
      return failed ? { ok: false, error: failed } : { ok: true, transfer };
    } finally {
      this.pending.delete(callSid);
    }
  }

  /** Null when Twilio took the redirect, else the error to show (Twilio's status, never a stack). */
  private async twilio(request: () => Promise<void>): Promise<string | null> {
    try {
      await request();
      return null;
    } catch (error) {
      if (!(error instanceof CallControlError)) this.deps.logger.error({ err: error }, 'emergency transfer failed');
      const why = error instanceof CallControlError ? error.message : 'the request to Twilio failed';
      return `${why}: the caller is still with you; try again or dial the number yourself`;
    }
  }

  private refuse(me: Principal, error: string): TransferResult {
    this.deps.logger.warn({ username: me.username, role: me.role, kind: me.kind }, 'emergency transfer refused');
    return { ok: false, error };
  }
}
