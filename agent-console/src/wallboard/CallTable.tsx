import { memo } from 'react';
import { transferredTo, unansweredTransfer } from '../../../server/calls/call.ts';
import type { CallSummary } from '../../../server/console/contract.ts';
import { phaseOf, phaseSince, urgencyTier } from '../../../server/console/urgency.ts';
import { lookup, type Translate } from '../i18n/i18n.ts';
import { flagLabel } from '../shared/labels.ts';
import { formatDuration, useNow } from './clock.ts';

/** A flag key's short name for a badge. */
export function badgeLabel(t: Translate, key: string): string {
  const [kind = '', category = ''] = key.split('.');
  return lookup(t, `wb.badge.${key}`, flagLabel(t, { kind: kind as never, category }));
}

/** How long the call has been in its phase (waiting, talking, IVR), ticking each second. */
export function Duration({ since }: { since: string }) {
  const now = useNow();
  return <span className="duration">{formatDuration(now - Date.parse(since))}</span>;
}

interface RowProps {
  readonly call: CallSummary;
  readonly selected: boolean;
  readonly t: Translate;
  readonly onPick: (callSid: string) => void;
}

/** One call; re-rendered only when its summary (or the selection) changes. */
const Row = memo(function Row({ call, selected, t, onPick }: RowProps) {
  const tier = urgencyTier(call.flagBrief);
  const phase = phaseOf(call);
  const transfer = transferredTo(call);
  // A centre that did not answer sent the caller back: the supervisor must see that at once.
  const unanswered = unansweredTransfer(call);
  const waiting = unanswered && !call.operator ? t('wb.transferUnanswered', { to: unanswered.to }) : t('wb.waitingForOperator');
  const who = transfer ? t('wb.transferredTo', { to: transfer.to, name: transfer.byName }) : call.takenOver ? t('wb.takenOverBy', { name: call.takenOver.displayName }) : call.operator ? call.operator.displayName : phase === 'waiting' ? waiting : t('wb.inIvr');
  const intent = call.intent ? lookup(t, `intent.${call.intent}`, call.intent) : call.queue ? lookup(t, `queue.${call.queue}`, call.queue) : '—';
  return (
    <tr data-call-sid={call.callSid} data-tier={tier} data-phase={phase} aria-selected={selected} onClick={() => onPick(call.callSid)}>
      <td><span className="tier" data-tier={tier}>{t(`wb.tier.${tier}`)}</span></td>
      <td className="caller">{call.caller}</td>
      <td><span className="phase">{t(`wb.phase.${phase}`)}</span> <Duration since={phaseSince(call)} /></td>
      <td className="who" data-taken-over={call.takenOver ? 'true' : undefined} data-transferred={transfer?.to} data-transfer-unanswered={unanswered?.to}>{who}</td>
      <td>{intent}</td>
      <td className="badges">
        {call.flagBrief.keys.map((key) => (
          <span key={key} className="flag-badge" data-key={key}>{badgeLabel(t, key)}</span>
        ))}
        {call.flagBrief.abuseCount >= 2 && <span className="flag-badge count">{t('wb.abuseCount', { n: call.flagBrief.abuseCount })}</span>}
      </td>
    </tr>
  );
});

/** Every live call, most urgent first (the order comes sorted). */
export function CallTable({ calls, selected, t, onPick }: { calls: readonly CallSummary[]; selected: string | null; t: Translate; onPick: (callSid: string) => void }) {
  return (
    <table id="wb-calls">
      <thead>
        <tr>
          <th>{t('wb.col.urgency')}</th>
          <th>{t('wb.col.caller')}</th>
          <th>{t('wb.col.duration')}</th>
          <th>{t('wb.col.operator')}</th>
          <th>{t('wb.col.intent')}</th>
          <th>{t('wb.col.flags')}</th>
        </tr>
      </thead>
      <tbody>
        {calls.map((call) => (
          <Row key={call.callSid} call={call} selected={call.callSid === selected} t={t} onPick={onPick} />
        ))}
      </tbody>
    </table>
  );
}
