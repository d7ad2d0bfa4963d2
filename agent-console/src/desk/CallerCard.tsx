import type { EarlierCall } from '../../../server/assist/flag.ts';
import type { CallView } from '../live/calls-state.ts';
import { lookup, timeOfDay } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { queueName, stepLabel } from '../shared/labels.ts';
import { StateBadge } from '../shared/StateBadge.tsx';

/**
 * Who is calling: the number (masked by the server), the call's state, queue and operator,
 * the IVR path taken, what they asked the self-service, and their earlier calls with how
 * those ended (from the repeat-caller check, when it found any).
 */
export function CallerCard({ view }: { view: CallView }) {
  const { t, lang } = useI18n();
  const { summary } = view;
  const steps = summary.ivrPath.map((s) => stepLabel(t, s, summary.queue)).filter((label): label is string => label !== null);
  const asked = summary.selfService;
  const earlier = earlierCalls(view);
  return (
    <section id="caller-card" className="panel">
      <div className="call-head">
        <strong id="call-caller">{summary.caller}</strong>
        <StateBadge id="call-state" state={summary.state} />
        {summary.queue && <span id="call-queue">{t('queue')}: {queueName(t, summary.queue)}</span>}
        {summary.operator && <span id="call-operator">{t('assignedTo')}: {summary.operator.displayName}</span>}
      </div>
      {steps.length > 0 && (
        <ol id="ivr-path" className="ivr-path" aria-label={t('ivrPath')}>
          {steps.map((label, i) => <li key={i}>{label}</li>)}
        </ol>
      )}
      {asked?.question && (
        <p id="self-service" className="self-service">
          {t('selfService')}：“{asked.question}” · {lookup(t, `outcome.${asked.outcome}`, asked.outcome)}
        </p>
      )}
      {earlier.length > 0 && (
        <div id="earlier-calls" className="earlier-calls">
          <span className="label">{t('earlierCalls')}：</span>
          <ol>
            {earlier.map((c, i) => (
              <li key={i}>{c.at.slice(5, 10)} {timeOfDay(c.at, lang)} · {c.scenarioId ?? '—'} · {c.outcome ?? '—'}</li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

/** The caller's earlier calls the repeat flags found, newest first, each once. */
function earlierCalls(view: CallView): readonly EarlierCall[] {
  const seen = new Map<string, EarlierCall>();
  for (const flag of view.flags) for (const c of flag.earlier ?? []) seen.set(c.at, c);
  return [...seen.values()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 5);
}
