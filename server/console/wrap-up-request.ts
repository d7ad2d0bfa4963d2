import { z } from 'zod';
import type { Principal } from '../auth/roles.ts';
import type { CallRecord } from '../calls/call.ts';
import { INTENTS } from '../ivr/flow.ts';

/**
 * What a wrap-up request must hold, and who may submit one: the call's own operator, or a
 * supervisor or admin stepping in. Managers edit knowledge, not calls; tools act on none.
 * Whether the scenario and department exist is checked against the live knowledge base.
 */
export const wrapUpRequest = z.object({
  callSid: z.string().regex(/^CA[0-9a-f]{32}$/, 'expected a CallSid'),
  intent: z.enum(INTENTS),
  scenarioId: z.string().trim().min(1).max(120).nullable().default(null),
  department: z.string().trim().min(1, 'choose the responsible department').max(60),
  departmentReason: z.string().trim().max(500).default(''),
  place: z.string().trim().max(100).nullable().default(null).transform((p) => p || null),
  summary: z.string().trim().min(1, 'summarize the request').max(1000),
  note: z.string().trim().max(1000).optional(),
});

export type ParsedWrapUp = z.infer<typeof wrapUpRequest>;

export const WRAP_UP_REFUSED = "only the call's operator, a supervisor or an admin may submit its wrap-up";

/** Why `who` may not submit the call's wrap-up, or null when they may. */
export function wrapUpRefusal(who: Principal, call: CallRecord): string | null {
  if (who.kind === 'service') return 'the service token watches calls and cannot act on them; sign in';
  if (who.role === 'supervisor' || who.role === 'admin') return null;
  return call.operator?.userId === who.userId ? null : WRAP_UP_REFUSED;
}

export interface KnowledgeChecks {
  readonly knowsScenario: (id: string) => boolean;
  readonly knowsDepartment: (id: string) => boolean;
}

/** The first field naming something the knowledge base does not have, or null. */
export function unknownReference(request: ParsedWrapUp, kb: KnowledgeChecks): string | null {
  if (request.scenarioId !== null && !kb.knowsScenario(request.scenarioId)) return `scenarioId: no scenario ${request.scenarioId} in the knowledge base`;
  if (!kb.knowsDepartment(request.department)) return `department: no department ${request.department} in departments.tsv`;
  return null;
}
