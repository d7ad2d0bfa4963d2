import type { CallRecord, WrapUpDraft } from '../calls/call.ts';
import type { Analysis } from './engine.ts';

/** About what fits the wrap-up form's summary at a glance; the operator may write up to 1,000. */
export const DRAFT_SUMMARY_CHARS = 200;

/**
 * The wrap-up draft of a call from the latest analysis of the caller's request: its
 * intent, top scenario, department and place, and a summary of what the caller said
 * (their final sentences, or the question they asked the IVR when they said nothing yet).
 * Words that name no matter (好的，谢谢) do not undo what earlier words found: when the new
 * analysis has neither scenario nor department, the previous draft's request stays, and a
 * place once named stays until another is.
 *
 * @example
 *   draftWrapUp(analysis, call);
 *   // {intent: 'consult', scenarioId: 'gjj.withdraw_rent', scenarioTitle: '租房提取公积金', department: 'housing_fund', …}
 */
export function draftWrapUp(analysis: Analysis, call: Pick<CallRecord, 'transcript' | 'selfService' | 'wrapUpDraft'>): WrapUpDraft {
  const top = analysis.suggestions[0] ?? null;
  const previous = call.wrapUpDraft;
  const place = analysis.place ?? previous?.place ?? null;
  const summary = summarizeRequest(call);
  if (!top && analysis.department === null && previous && (previous.scenarioId !== null || previous.department !== null)) return { ...previous, place, summary };
  return {
    intent: analysis.intent,
    scenarioId: top?.id ?? null,
    scenarioTitle: top?.title ?? null,
    department: analysis.department,
    departmentReason: analysis.departmentReason,
    place,
    summary,
  };
}

export function summarizeRequest(call: Pick<CallRecord, 'transcript' | 'selfService'>): string {
  const text = callerWords(call) || (call.selfService?.question?.trim() ?? '');
  const chars = [...text]; // by code point, so a character is never cut in half
  return chars.length <= DRAFT_SUMMARY_CHARS ? text : `${chars.slice(0, DRAFT_SUMMARY_CHARS - 1).join('')}…`;
}

/** Everything the caller said on the call, sentence after sentence ('' before they said anything). */
export function callerWords(call: Pick<CallRecord, 'transcript'>): string {
  return (call.transcript ?? [])
    .filter((e) => e.speaker === 'caller')
    .map((e) => e.text.trim())
    .filter(Boolean)
    .join('；');
}
