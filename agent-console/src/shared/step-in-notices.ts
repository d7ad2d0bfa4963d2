import { useEffect } from 'react';
import type { StepInEvent } from '../../../server/console/contract.ts';
import { useConsole } from '../app/session-context.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';

/**
 * Tells the operator when a supervisor stepped into their call (`call:step-in`, sent to
 * the call's room): the supervisor's alert with its words, a take-over, or the call ended
 * with its reason. Shown where supervisor alerts are (#alerts). Supervisors' own step-ins
 * are on the wallboard, so only operators get these.
 *
 * @example  useStepInNotices(); // in the desk
 */
export function useStepInNotices(): void {
  const { socket, identity, notify } = useConsole();
  const { t } = useI18n();
  useEffect(() => {
    if (identity.role !== 'operator') return;
    const show = ({ stepIn }: StepInEvent) => {
      const name = stepIn.byName;
      if (stepIn.action === 'alert_operator') notify(t('wb.notice.alert_operator', { name, message: stepIn.message ?? '' }));
      else if (stepIn.action === 'take_over') notify(t('wb.notice.take_over', { name }));
      else notify(t('wb.notice.end', { name, reason: stepIn.reason ?? '' }));
    };
    socket.on('call:step-in', show);
    return () => void socket.off('call:step-in', show);
  }, [socket, identity.role, notify, t]);
}
