import type { WrapUp, WrapUpDraft } from '../../../server/calls/call.ts';
import type { WrapUpRequest } from '../../../server/console/contract.ts';

/**
 * The wrap-up form's values, pure: each field shows the operator's edit, else what they
 * submitted, else the server's draft (which follows the caller's words), else its default.
 * The draft never overwrites a field the operator changed.
 */
export const WRAPUP_FIELDS = ['intent', 'scenarioId', 'department', 'departmentReason', 'place', 'summary', 'note'] as const;
export type WrapUpField = (typeof WRAPUP_FIELDS)[number];
export type WrapUpEdits = Readonly<Partial<Record<WrapUpField, string>>>;

export function fieldValue(name: WrapUpField, edits: WrapUpEdits, submitted: WrapUp | undefined, draft: WrapUpDraft | null): string {
  const edited = edits[name];
  if (edited !== undefined) return edited;
  const from = (submitted ?? draft) as Partial<Record<WrapUpField, string | null>> | null;
  return from?.[name] ?? (name === 'intent' ? 'consult' : '');
}

/** The request the form sends: text trimmed, empty optional fields as null (or left out, for the note). */
export function wrapUpRequest(callSid: string, value: (name: WrapUpField) => string): WrapUpRequest {
  const text = (name: WrapUpField) => value(name).trim();
  const note = text('note');
  return {
    callSid,
    intent: text('intent') as WrapUpRequest['intent'],
    scenarioId: text('scenarioId') || null,
    department: text('department'),
    departmentReason: text('departmentReason'),
    place: text('place') || null,
    summary: text('summary'),
    ...(note ? { note } : {}),
  };
}
