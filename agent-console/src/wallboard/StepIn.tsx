import { useState } from 'react';
import { transferredTo } from '../../../server/calls/call.ts';
import type { CallSummary, StepInAction, StepInRequest, StepInResult } from '../../../server/console/contract.ts';
import type { ConsoleSocket } from '../app/console-socket.ts';
import type { Translate } from '../i18n/i18n.ts';

const ACTIONS: readonly StepInAction[] = ['alert_operator', 'take_over', 'end'];
const REASONS = ['wb.reason.abuse', 'wb.reason.threat', 'wb.reason.sexual'] as const;

/**
 * The supervisor's step-in buttons for one call. Each asks for confirmation first (the
 * alert's text, the reason for ending are written there); the server decides and answers,
 * and its error is shown where the supervisor looks. The server refuses other roles too:
 * hiding the buttons is for clarity only.
 */
export function StepIn({ call, socket, t, me, allowed, ended }: { call: CallSummary; socket: ConsoleSocket; t: Translate; me: string; allowed: boolean; ended: boolean }) {
  const [asking, setAsking] = useState<StepInAction | null>(null);
  const [message, setMessage] = useState(() => t('wb.messageDefault'));
  const [reason, setReason] = useState<string>(REASONS[0]);
  const [other, setOther] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  if (!allowed) return <p className="wb-note" id="wb-no-rights">{t('wb.noRights')}</p>;
  // A caller handed to 110/119/120 is with them: no operator to alert, nothing to take over.
  const transferred = Boolean(transferredTo(call));
  const canAlert = Boolean(call.operator) && !call.takenOver && !transferred;
  const canTake = !call.takenOver && !transferred && call.state === 'queued';
  const enabled: Record<StepInAction, boolean> = { alert_operator: canAlert && !ended, take_over: canTake && !ended, end: !ended };
  const operator = call.operator?.displayName ?? '—';

  const send = async (action: StepInAction) => {
    const request: StepInRequest =
      action === 'alert_operator' ? { callSid: call.callSid, action, message } : action === 'end' ? { callSid: call.callSid, action, reason: reason === 'other' ? other : t(reason as (typeof REASONS)[number]) } : { callSid: call.callSid, action };
    setBusy(true);
    setOutcome(null);
    try {
      const result: StepInResult = await socket.timeout(15_000).emitWithAck('call:step-in', request);
      setOutcome(result.ok ? { ok: true, text: t(`wb.done.${action}`) } : { ok: false, text: t('wb.failed', { error: result.error }) });
      if (result.ok) setAsking(null);
    } catch {
      setOutcome({ ok: false, text: t('wb.failed', { error: 'no answer from the server' }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div id="wb-step-in">
      <div className="buttons">
        {ACTIONS.map((action) => (
          <button key={action} type="button" data-action={action} className={action === 'end' ? 'danger' : undefined} disabled={!enabled[action] || busy} aria-pressed={asking === action} onClick={() => (setAsking(action), setOutcome(null))}>
            {t(`wb.stepIn.${action}`)}
          </button>
        ))}
      </div>
      {asking && !ended && (
        <form
          id="wb-confirm"
          data-action={asking}
          onSubmit={(e) => {
            e.preventDefault();
            void send(asking);
          }}
        >
          <p>{t(`wb.confirm.${asking}`, { operator, me })}</p>
          {asking === 'alert_operator' && (
            <label>{t('wb.message')}<textarea id="wb-message" value={message} maxLength={200} rows={2} onChange={(e) => setMessage(e.target.value)} /></label>
          )}
          {asking === 'end' && (
            <label>
              {t('wb.reason')}
              <select id="wb-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
                {REASONS.map((r) => <option key={r} value={r}>{t(r)}</option>)}
                <option value="other">{t('wb.reason.other')}</option>
              </select>
              {reason === 'other' && <input id="wb-reason-other" value={other} maxLength={200} onChange={(e) => setOther(e.target.value)} />}
            </label>
          )}
          <div className="buttons">
            <button type="submit" id="wb-yes" className={asking === 'end' ? 'danger' : 'primary'} disabled={busy}>{busy ? t('wb.sending') : t('wb.yes')}</button>
            <button type="button" id="wb-cancel" onClick={() => setAsking(null)} disabled={busy}>{t('wb.cancel')}</button>
          </div>
        </form>
      )}
      {outcome && <p id="wb-outcome" role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'ok' : 'error'}>{outcome.text}</p>}
    </div>
  );
}
