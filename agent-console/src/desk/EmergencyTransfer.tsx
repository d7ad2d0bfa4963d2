import { useState } from 'react';
import { EMERGENCY_SERVICES, type EmergencyService, type TransferRecord } from '../../../server/calls/call.ts';
import { timeOfDay } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';

/**
 * The 转110 / 转119 / 转120 buttons of an emergency flag. A transfer takes the caller off
 * the operator's line for good, so a click asks first (确认转接 / 取消, Escape cancels);
 * only the confirmation sends `call:transfer`. Once the server says it is done, the
 * buttons give way to who transferred the call where, and when; a refusal stays shown
 * under them (the operator may try again, or dial the number themselves).
 */
export interface EmergencyTransferProps {
  /** The transfer that took the caller away, if one did. */
  readonly transferred: TransferRecord | undefined;
  /** Sends `call:transfer`; resolves once the server answered: null when done, else the error to show. */
  readonly onTransfer: (to: EmergencyService) => Promise<string | null>;
}

export function EmergencyTransfer({ transferred, onTransfer }: EmergencyTransferProps) {
  const { t, lang } = useI18n();
  const [asking, setAsking] = useState<EmergencyService | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  if (transferred) {
    return <p className="transfer transferred" data-to={transferred.to}>{t('transfer.done')} {t(`transfer.${transferred.to}`)} · {transferred.byName} {timeOfDay(transferred.at, lang)}</p>;
  }
  const confirm = async () => {
    if (!asking) return;
    setBusy(true);
    setFailed(null);
    try {
      setFailed(await onTransfer(asking));
    } finally {
      setBusy(false);
      setAsking(null);
    }
  };
  return (
    <div className="transfer">
      <p>
        {t('transfer.suggest')}
        {EMERGENCY_SERVICES.map((n) => (
          <button key={n} type="button" className="number transfer-to" data-to={n} disabled={busy} aria-pressed={asking === n} onClick={() => setAsking(n)}>
            {t(`transfer.${n}`)}
          </button>
        ))}
      </p>
      {failed && !asking && <p className="transfer-error" role="alert">{t('transfer.failed')}：{failed}</p>}
      {asking && (
        <div className="transfer-confirm" role="alertdialog" aria-label={t('transfer.title')} data-to={asking} onKeyDown={(e) => e.key === 'Escape' && !busy && setAsking(null)}>
          <p>{t('transfer.ask', { to: t(`transfer.${asking}`) })}</p>
          <button type="button" className="transfer-yes" autoFocus disabled={busy} onClick={() => void confirm()}>{busy ? t('transfer.busy') : t('transfer.yes')}</button>
          <button type="button" className="transfer-no" disabled={busy} onClick={() => setAsking(null)}>{t('transfer.no')}</button>
        </div>
      )}
    </div>
  );
}
