import { memo } from 'react';
import type { LiveFlag } from '../../../server/assist/live-flags.ts';
import type { EmergencyService, TransferRecord } from '../../../server/calls/call.ts';
import { lookup, timeOfDay } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { bySeverity, flagLabel } from '../shared/labels.ts';
import { EmergencyTransfer } from './EmergencyTransfer.tsx';

/**
 * The flags on the call, most urgent first: what it is, the caller's words it rests on,
 * the script to read, the rule it rests on, earlier calls for a repeat caller, and the
 * operator's actions — play the warning (abuse at the warning count), alert the supervisors, confirm or dismiss
 * (the system never rejects a request by itself), and for an emergency the transfer to
 * 110 / 119 / 120 (EmergencyTransfer.tsx, with a confirmation). C / X decide the most urgent open one. Caller words go in as text, never HTML.
 */
export type FlagDecision = 'confirmed' | 'dismissed';

export interface FlagsProps {
  readonly flags: readonly LiveFlag[];
  readonly onDecide: (flag: LiveFlag, decision: FlagDecision) => void;
  readonly onWarn: () => void;
  /** Asks the supervisors to look at this flag now (`call:escalate`). */
  readonly onAlert: (flag: LiveFlag) => void;
  /** Keys of the flags the supervisors were alerted about from this desk. */
  readonly alerted: ReadonlySet<string>;
  /** The transfer that took the caller to 110/119/120, if one did (the call's summary). */
  readonly transferred: TransferRecord | undefined;
  /** Transfers the caller (`call:transfer`), once the operator confirmed. */
  readonly onTransfer: (to: EmergencyService) => Promise<string | null>;
}

/** The flag C / X act on: the most urgent one not decided yet. */
export function topOpenFlag(flags: readonly LiveFlag[]): LiveFlag | null {
  return [...flags].sort(bySeverity).find((f) => !f.decision) ?? null;
}

export const Flags = memo(function Flags({ flags, onDecide, onWarn, onAlert, alerted, transferred, onTransfer }: FlagsProps) {
  const { t, lang } = useI18n();
  const sorted = [...flags].sort(bySeverity);
  const top = topOpenFlag(flags);
  return (
    <section id="flags-panel" className="panel" aria-live="assertive" data-count={flags.length}>
      <h3>{t('flags')}</h3>
      {sorted.length === 0 && <p className="empty">{t('flagsNone')}</p>}
      <ol id="flags" hidden={sorted.length === 0}>
        {sorted.map((flag) => (
          <li key={flag.key} className="flag" data-key={flag.key} data-severity={flag.severity} data-decision={flag.decision?.decision} data-top={flag === top || undefined}>
            <div className="flag-head">
              <strong className="label">{flagLabel(t, flag)}</strong>
              <span className="severity">{lookup(t, `severity.${flag.severity}`, flag.severity)}</span>
              {flag.count !== undefined && flag.count > 0 && <span className="count">{t('abuseCount')} {flag.count}</span>}
              {/* Raised from examples, not by a rule: say so, so the operator weighs it. */}
              {flag.learned !== undefined && <span className="learned">{t('learned')} {Math.round(flag.learned * 100)}%</span>}
              {(flag.alertSupervisor || alerted.has(flag.key)) && <span className="alerted">{t('alertSent')}</span>}
            </div>
            {flag.kind === 'urgent' && flag.severity === 'emergency' && <EmergencyTransfer transferred={transferred} onTransfer={onTransfer} />}
            {flag.warn && (
              <>
                <p className="warn">{t('warnNow')}</p>
                {!flag.decision && <button type="button" className="play-warning" onClick={onWarn}>{t('playWarning')}</button>}
              </>
            )}
            {flag.evidence.length > 0 && (
              <div className="evidence"><span className="label">{t('evidence')}：</span>{flag.evidence.map((e, i) => <mark key={i}>{e}</mark>)}</div>
            )}
            {flag.script && <p className="script">{flag.script}</p>}
            {flag.basis && <p className="basis">{t('basis')}：{flag.basis}</p>}
            {flag.referral && <p className="basis">→ {flag.referral}</p>}
            {flag.earlier && flag.earlier.length > 0 && (
              <>
                <div className="label">{t('earlierCalls')}</div>
                <ol className="earlier">
                  {flag.earlier.map((c, i) => <li key={i}>{timeOfDay(c.at, lang)} {c.at.slice(0, 10)} · {c.scenarioId ?? '—'} · {c.outcome ?? '—'}</li>)}
                </ol>
              </>
            )}
            {!flag.alertSupervisor && !alerted.has(flag.key) && flag.decision?.decision !== 'dismissed' && (
              <button type="button" className="alert-supervisor" onClick={() => onAlert(flag)}>{t('alertSupervisor')}</button>
            )}
            {flag.decision ? (
              <p className="decided">{lookup(t, `decision.${flag.decision.decision}`, flag.decision.decision)}</p>
            ) : (
              <div className="actions">
                {(['confirmed', 'dismissed'] as const).map((decision) => (
                  <button key={decision} type="button" className={decision} onClick={() => onDecide(flag, decision)}>
                    {t(`action.${decision}`)}{flag === top && <kbd>{decision === 'confirmed' ? 'C' : 'X'}</kbd>}
                  </button>
                ))}
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
});
