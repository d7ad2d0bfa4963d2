import type { CallView } from '../live/calls-state.ts';
import { timeOfDay } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { queueName } from '../shared/labels.ts';
import { StateBadge } from '../shared/StateBadge.tsx';

/** The operator's calls, live ones first; an emergency on a call marks it. */
export function CallList({ calls, selected, onChoose }: { calls: readonly CallView[]; selected: string | null; onChoose: (callSid: string) => void }) {
  const { t, lang } = useI18n();
  return (
    <section id="calls-panel" className="panel">
      <h2>{t('liveCalls')}</h2>
      {calls.length === 0 && <p id="no-calls" className="empty">{t('noCalls')}</p>}
      <ul id="calls">
        {calls.map(({ summary, flags }) => {
          const emergency = flags.some((f) => f.severity === 'emergency' && f.decision?.decision !== 'dismissed');
          return (
            <li
              key={summary.callSid}
              data-call-sid={summary.callSid}
              data-state={summary.state}
              data-alert={emergency ? 'emergency' : undefined}
              aria-selected={summary.callSid === selected}
              onClick={() => onChoose(summary.callSid)}
            >
              <div><span className="caller">{summary.caller}</span><StateBadge state={summary.state} /></div>
              <div className="meta">{timeOfDay(summary.startedAt, lang)}{summary.queue ? ` · ${queueName(t, summary.queue)}` : ''}</div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
