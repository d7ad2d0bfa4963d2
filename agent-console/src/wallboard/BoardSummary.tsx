import type { OperatorStatus, QueueLength } from '../../../server/console/contract.ts';
import type { Translate } from '../i18n/i18n.ts';
import { queueName } from '../shared/labels.ts';
import { Duration } from './CallTable.tsx';

/** The floor at a glance: callers waiting per queue, and every operator's state. */
export function BoardSummary({ queues, operators, t }: { queues: readonly QueueLength[]; operators: readonly OperatorStatus[]; t: Translate }) {
  const waiting = queues.reduce((n, q) => n + q.waiting, 0);
  const online = operators.filter((o) => o.connected);
  const count = (state: string) => online.filter((o) => o.state === state).length;
  const sorted = [...operators].sort((a, b) => Number(b.connected) - Number(a.connected) || a.displayName.localeCompare(b.displayName, 'zh-CN'));
  return (
    <section id="wb-summary" className="panel">
      <div id="wb-queues">
        <h2>{t('wb.queues')} <b id="wb-waiting" data-waiting={waiting}>{waiting}</b></h2>
        <ul>
          {queues.length === 0 && <li className="empty">{t('wb.noQueue')}</li>}
          {queues.map((q) => (
            <li key={q.queue} data-queue={q.queue} data-waiting={q.waiting} className={q.waiting ? 'busy' : undefined}>
              <span>{queueName(t, q.queue)}</span> <b>{t('wb.queueWaiting', { n: q.waiting })}</b>
              {q.oldestQueuedAt && <small> {t('wb.longestWait', { d: '' })}<Duration since={q.oldestQueuedAt} /></small>}
            </li>
          ))}
        </ul>
      </div>
      <div id="wb-operators">
        <h2>{t('wb.operators')} <small>{t('wb.opCount', { available: count('available'), busy: count('busy'), acw: count('after_call_work'), offline: operators.length - online.length })}</small></h2>
        <ul>
          {sorted.map((o) => (
            <li key={o.userId} data-username={o.username} data-state={o.connected ? o.state : 'offline'} title={o.username}>
              {o.displayName} <small>{!o.connected ? t('wb.offline') : o.callSid ? t('wb.onCall') : t(`opstate.${o.state}`)}</small>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
