import type { Logger } from 'pino';
import { z } from 'zod';
import { stepsIn, type Principal } from '../auth/roles.ts';
import { transferredTo, type CallRecord } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import { CallControlError } from '../telephony/call-control.ts';
import type { StepInRequest, StepInResult } from './contract.ts';

/**
 * A supervisor stepping into a live call (`call:step-in`). Decided here, for the whole
 * console: who may (supervisors and admins; operators, managers and the service token are
 * refused), on which calls, and what each action does. Every attempt is recorded on the
 * call with who and when, the failed ones with Twilio's error; a failure changes nothing
 * else, so the supervisor can try again.
 *
 * - alert_operator: no Twilio; the call's operator sees the message (feed: `call:step-in`).
 * - take_over: the caller is moved to the supervisor's softphone; once Twilio accepted it
 *   the call is marked taken over and its operator freed (dispatcher).
 * - end: Twilio hangs up; the call's end reason becomes `ended by supervisor`.
 *
 * One step-in per call at a time: a second one while Twilio answers the first is refused.
 */
export interface StepInDeps {
  readonly registry: CallRegistry;
  /** Redirects the caller to the supervisor (Twilio REST, see take-over.ts). */
  readonly takeOver: (call: CallRecord, supervisorIdentity: string) => Promise<void>;
  /** Hangs the call up (Twilio REST); the status Twilio answered with. */
  readonly hangUp: (call: CallRecord) => Promise<string>;
  readonly logger: Logger;
}

const callSid = z.string().regex(/^CA[0-9a-f]{32}$/, 'expected a CallSid');
const text = (what: string) => z.string().trim().min(1, `say ${what}`).max(200, 'at most 200 characters');
const stepInRequest = z.discriminatedUnion('action', [
  z.object({ callSid, action: z.literal('alert_operator'), message: text('what the operator should do') }),
  z.object({ callSid, action: z.literal('take_over') }),
  z.object({ callSid, action: z.literal('end'), reason: text('why the call is ended') }),
], { error: 'expected alert_operator, take_over or end' });

export const STEP_IN_REFUSED = {
  service: 'the service token watches calls and cannot step in; sign in as a supervisor',
  role: (role: string) => `only supervisors and admins step into calls (signed in as ${role})`,
  noCall: 'no live call with that CallSid',
  busy: 'another step-in on that call is under way',
  noOperator: 'that call has no operator to alert',
  inIvr: 'the caller is still in the IVR menu; a call can be taken over once it is queued',
  transferred: (to: string) => `the caller was transferred to ${to}; taking over would take them away from it`,
} as const;

export class StepIns {
  private readonly pending = new Set<string>();

  constructor(private readonly deps: StepInDeps) {}

  async handle(me: Principal, request: unknown): Promise<StepInResult> {
    if (me.kind === 'service') return this.refuse(me, STEP_IN_REFUSED.service);
    if (!stepsIn(me.role)) return this.refuse(me, STEP_IN_REFUSED.role(me.role));
    const parsed = stepInRequest.safeParse(request);
    if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') };
    const data: StepInRequest = parsed.data;
    const call = this.deps.registry.get(data.callSid);
    if (!call) return { ok: false, error: STEP_IN_REFUSED.noCall };
    if (this.pending.has(call.callSid)) return { ok: false, error: STEP_IN_REFUSED.busy };
    this.pending.add(call.callSid);
    try {
      return await this.act(me, call, data);
    } finally {
      this.pending.delete(call.callSid);
    }
  }

  private async act(me: Principal, call: CallRecord, data: StepInRequest): Promise<StepInResult> {
    const { registry } = this.deps;
    const who = { by: me.username, byName: me.displayName };
    switch (data.action) {
      case 'alert_operator': {
        if (!call.operator || call.takenOver || transferredTo(call)) return { ok: false, error: STEP_IN_REFUSED.noOperator };
        return { ok: true, stepIn: registry.stepIn(call, { action: 'alert_operator', ...who, message: data.message }) };
      }
      case 'take_over': {
        if (call.takenOver) return { ok: false, error: `already taken over by ${call.takenOver.displayName}` };
        const transfer = transferredTo(call);
        if (transfer) return { ok: false, error: STEP_IN_REFUSED.transferred(transfer.to) };
        if (call.state !== 'queued') return { ok: false, error: STEP_IN_REFUSED.inIvr };
        const failed = await this.twilio(() => this.deps.takeOver(call, me.username), 'the call stays as it was');
        const stepIn = registry.stepIn(call, { action: 'take_over', ...who, ...(failed ? { error: failed } : {}) });
        if (failed) return { ok: false, error: failed };
        registry.takenOver(call, { username: me.username, displayName: me.displayName });
        return { ok: true, stepIn };
      }
      case 'end': {
        let status = 'completed';
        const failed = await this.twilio(async () => void (status = await this.deps.hangUp(call)), 'the call goes on');
        // Recorded before the status, so the call ends with the supervisor's reason.
        const stepIn = registry.stepIn(call, { action: 'end', ...who, reason: data.reason, ...(failed ? { error: failed } : {}) });
        if (failed) return { ok: false, error: failed };
        registry.status(call.callSid, status);
        return { ok: true, stepIn };
      }
    }
  }

  /** Runs a Twilio request: null when it went through, else the error to show (Twilio's status, never a stack). */
  private async twilio(request: () => Promise<void>, otherwise: string): Promise<string | null> {
    try {
      await request();
      return null;
    } catch (error) {
      if (!(error instanceof CallControlError)) this.deps.logger.error({ err: error }, 'step-in failed');
      return `${error instanceof CallControlError ? error.message : 'the request to Twilio failed'}: ${otherwise}`;
    }
  }

  private refuse(me: Principal, error: string): StepInResult {
    this.deps.logger.warn({ username: me.username, role: me.role, kind: me.kind }, 'step-in refused');
    return { ok: false, error };
  }
}
