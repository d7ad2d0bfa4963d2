import type { CallState } from '../../../server/calls/call.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';

/** A call's state as a small badge: in the IVR, with an operator, ended. */
export function StateBadge({ state, id }: { state: CallState; id?: string }) {
  const { t } = useI18n();
  return <span id={id} className="state" data-state={state}>{t(`state.${state}`)}</span>;
}
