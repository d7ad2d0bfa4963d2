import type { LiveFlag } from '../../server/assist/live-flags.ts';
import { t, timeOfDay, type Key } from './i18n.ts';
import { el } from './dom.ts';

/**
 * The flags panel of a call: most urgent first, each with what it is, the caller's words
 * it rests on, the script to read, the rule it rests on and where to refer the caller,
 * the earlier calls for a repeat caller, and the operator's decision (the system never
 * rejects a request by itself). Caller words go into the page as text, never as HTML.
 */
const ORDER: Record<string, number> = { emergency: 0, high: 1, medium: 2, low: 3 };

export function flagLabel(flag: Pick<LiveFlag, 'kind' | 'category'>): string {
  const key = `flag.${flag.kind}.${flag.category}` as Key;
  const label = t(key);
  return label === key ? `${flag.kind}.${flag.category}` : label;
}

export function renderFlags(list: HTMLElement, flags: readonly LiveFlag[], onDecide: (flag: LiveFlag, decision: 'confirmed' | 'dismissed') => void, onWarn: () => void): void {
  list.hidden = flags.length === 0;
  list.replaceChildren(
    ...[...flags]
      .sort((a, b) => (ORDER[a.severity] ?? 9) - (ORDER[b.severity] ?? 9))
      .map((flag) => {
        const li = el('li', 'flag');
        li.dataset['key'] = flag.key;
        li.dataset['severity'] = flag.severity;
        if (flag.decision) li.dataset['decision'] = flag.decision.decision;
        const head = el('div', 'flag-head');
        head.append(el('strong', 'label', flagLabel(flag)), el('span', 'severity', t(`severity.${flag.severity}` as Key)));
        if (flag.count) head.append(el('span', 'count', `${t('abuseCount')} ${flag.count}`));
        // Raised from examples, not by a rule: say so, so the operator weighs it.
        if (flag.learned !== undefined) head.append(el('span', 'learned', `${t('learned')} ${Math.round(flag.learned * 100)}%`));
        li.append(head);
        if (flag.warn) {
          li.append(el('p', 'warn', t('warnNow')));
          if (!flag.decision) {
            const play = el('button', 'play-warning', t('playWarning'));
            play.type = 'button';
            play.addEventListener('click', onWarn);
            li.append(play);
          }
        }
        if (flag.evidence.length) {
          const evidence = el('div', 'evidence');
          evidence.append(el('span', 'label', `${t('evidence')}：`), ...flag.evidence.map((e) => el('mark', undefined, e)));
          li.append(evidence);
        }
        if (flag.script) li.append(el('p', 'script', flag.script));
        if (flag.basis) li.append(el('p', 'basis', `${t('basis')}：${flag.basis}`));
        if (flag.earlier?.length) {
          const ol = el('ol', 'earlier');
          ol.append(...flag.earlier.map((c) => el('li', undefined, `${timeOfDay(c.at)} ${c.at.slice(0, 10)} · ${c.scenarioId ?? '—'} · ${c.outcome ?? '—'}`)));
          li.append(el('div', 'label', t('earlierCalls')), ol);
        }
        if (flag.decision) li.append(el('p', 'decided', t(`decision.${flag.decision.decision}` as Key)));
        else {
          const actions = el('div', 'actions');
          for (const decision of ['confirmed', 'dismissed'] as const) {
            const button = el('button', decision, t(`action.${decision}` as Key));
            button.type = 'button';
            button.addEventListener('click', () => onDecide(flag, decision));
            actions.append(button);
          }
          li.append(actions);
        }
        return li;
      }),
  );
}
