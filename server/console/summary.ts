import type { CallRecord } from '../calls/call.ts';
import { maskPhone } from '../log.ts';
import type { CallSummary } from './contract.ts';
import { flagBrief } from './urgency.ts';

/** A call as the console shows it: the caller's number masked, for every role. */
export function summarize(call: CallRecord): CallSummary {
  return {
    callSid: call.callSid,
    caller: maskPhone(call.from),
    state: call.state,
    startedAt: call.startedAt,
    ivrPath: call.ivrPath,
    flagBrief: flagBrief(call.flags),
    stepIns: call.stepIns ?? [],
    transfers: call.transfers ?? [],
    ...(call.endedAt ? { endedAt: call.endedAt } : {}),
    ...(call.queue ? { queue: call.queue } : {}),
    ...(call.queuedAt ? { queuedAt: call.queuedAt } : {}),
    ...(call.intent ? { intent: call.intent } : {}),
    ...(call.selfService ? { selfService: call.selfService } : {}),
    ...(call.operator ? { operator: { username: call.operator.username, displayName: call.operator.displayName, assignedAt: call.operator.assignedAt } } : {}),
    ...(call.takenOver ? { takenOver: { ...call.takenOver } } : {}),
    ...(call.wrapUp ? { wrapUp: call.wrapUp } : {}),
  };
}
