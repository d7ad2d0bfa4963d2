import type { LiveFlag } from '../../../server/assist/live-flags.ts';
import type { IvrStep } from '../../../server/calls/call.ts';
import { lookup, type Translate } from '../i18n/i18n.ts';

/** Names operators read, shared by every page: flags, queues, IVR steps. */
export function flagLabel(t: Translate, flag: Pick<LiveFlag, 'kind' | 'category'>): string {
  return lookup(t, `flag.${flag.kind}.${flag.category}`, `${flag.kind}.${flag.category}`);
}

/** A queue's name; an unknown queue shows as it is. */
export function queueName(t: Translate, queue: string): string {
  return lookup(t, `queue.${queue}`, queue);
}

/** What the caller did in the IVR, in operators' words; prompts read to them are left out (null). */
export function stepLabel(t: Translate, step: IvrStep, queue: string | undefined): string | null {
  if (step.choice) return `${t('pressed')} ${step.via === 'speech' ? `“${step.input ?? ''}”` : (step.input ?? '')} · ${step.choice}`;
  if (step.via === 'none') return t('noInput');
  if (step.via === 'invalid') return `${t('invalid')} ${step.input ?? ''}`;
  if (step.type === 'transfer') return `${t('transferredTo')} ${queue ? queueName(t, queue) : ''}`;
  return null;
}

/** Most urgent first. */
const SEVERITY: Readonly<Record<string, number>> = { emergency: 0, high: 1, medium: 2, low: 3 };
export const bySeverity = (a: Pick<LiveFlag, 'severity'>, b: Pick<LiveFlag, 'severity'>): number => (SEVERITY[a.severity] ?? 9) - (SEVERITY[b.severity] ?? 9);
