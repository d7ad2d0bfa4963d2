import { useEffect, useSyncExternalStore } from 'react';
import type { ConsoleSocket } from '../app/console-socket.ts';
import { timeOfDay, type Lang, type Translate } from '../i18n/i18n.ts';
import type { LiveCalls } from '../live/live-calls.ts';
import { bySeverity, flagLabel } from '../shared/labels.ts';
import { TranscriptView } from '../shared/TranscriptView.tsx';
import { StepIn } from './StepIn.tsx';

/**
 * The call the supervisor clicked: its live transcript (fetched whole once, then live),
 * its flags with their evidence, what supervisors did on it, and the step-in buttons.
 * It follows that one call only, so other calls' words do not re-render it.
 */
export function CallPanel({ callSid, live, socket, t, lang, me, canStepIn }: { callSid: string; live: LiveCalls; socket: ConsoleSocket; t: Translate; lang: Lang; me: string; canStepIn: boolean }) {
  const view = useSyncExternalStore(live.subscribe, () => live.getState().calls.get(callSid));
  useEffect(() => void live.load(callSid), [live, callSid]);
  if (!view) return <section id="wb-detail" className="panel"><p className="empty">{t('wb.ended')}</p></section>;
  const { summary } = view;
  const ended = summary.state === 'ended';
  return (
    <section id="wb-detail" className="panel" data-call-sid={callSid}>
      <h2>
        {t('wb.detail')} <b>{summary.caller}</b>
        {summary.operator && <span> · {summary.operator.displayName}</span>}
        {ended && <span className="state" data-state="ended">{t('wb.ended')}</span>}
      </h2>
      <ul className="wb-flags">
        {view.flags.length === 0 && <li className="empty">{t('wb.flagsNone')}</li>}
        {[...view.flags].sort(bySeverity).map((f) => (
          <li key={f.key} data-severity={f.severity} className={f.decision?.decision === 'dismissed' ? 'dismissed' : undefined}>
            <b>{flagLabel(t, f)}</b>
            {f.count !== undefined && <span> ×{f.count}</span>}
            {f.evidence.length > 0 && <q>{f.evidence.slice(-2).join(' … ')}</q>}
          </li>
        ))}
      </ul>
      <TranscriptView finals={view.finals} partials={view.partials} className="wb-transcript" />
      {summary.stepIns.length > 0 && (
        <div className="wb-stepins">
          <h3>{t('wb.stepIns')}</h3>
          <ul>
            {summary.stepIns.map((s) => (
              <li key={`${s.at}-${s.action}`} className={s.error ? 'failed' : undefined}>
                {t(`wb.stepIn.${s.action}`)} — {t('wb.by', { name: s.byName, at: timeOfDay(s.at, lang) })}
                {s.message && <q>{s.message}</q>}
                {s.reason && <q>{s.reason}</q>}
                {s.error && <span className="error"> {t('wb.failedRecord', { error: s.error })}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <StepIn key={callSid} call={summary} ended={ended} socket={socket} t={t} me={me} allowed={canStepIn} />
    </section>
  );
}
