import type { Suggestion } from '../../server/assist/suggestion.ts';
import type { Answer } from '../../server/knowledge/schema.ts';
import { t, type Key } from './i18n.ts';
import { el } from './dom.ts';

/**
 * The knowledge-base panel of a call: the suggested answers, best first, each with its
 * score, the caller's words that matched, the spoken answer to read, and the full answer
 * in points (条件, 材料, 渠道, 时限, 依据) behind a toggle. "采用" marks the answer used.
 * Everything from the knowledge base goes into the page as text, never as HTML.
 */
const POINTS: readonly (readonly [keyof Answer, Key])[] = [
  ['conditions', 'point.conditions'],
  ['materials', 'point.materials'],
  ['channels', 'point.channels'],
  ['timeLimit', 'point.timeLimit'],
  ['basis', 'point.basis'],
  ['notes', 'point.notes'],
];

function answerPoints(answer: Answer): HTMLElement {
  const dl = el('dl', 'points');
  for (const [field, label] of POINTS) {
    const items = answer[field];
    if (!items?.length) continue;
    const ul = el('ul');
    ul.append(...items.map((item) => el('li', undefined, item)));
    const dd = el('dd');
    dd.append(ul);
    dl.append(el('dt', undefined, t(label)), dd);
  }
  return dl;
}

export interface SuggestionPanelState {
  readonly items: readonly Suggestion[];
  readonly used: ReadonlySet<string>;
  /** Ids whose full answer the operator has opened (kept across re-renders). */
  readonly open: Set<string>;
}

export function renderSuggestions(list: HTMLElement, empty: HTMLElement, state: SuggestionPanelState, onUse: (s: Suggestion, rank: number) => void): void {
  empty.hidden = state.items.length > 0;
  list.replaceChildren(
    ...state.items.map((s, i) => {
      const li = el('li', 'suggestion');
      li.dataset['id'] = s.id;
      const head = el('div', 'suggestion-head');
      head.append(el('strong', 'title', s.title), el('span', 'score', `${Math.round(s.score * 100)}%`));
      li.append(head);
      if (s.sub) li.append(el('div', 'sub', `${t('variant')}：${s.sub.title}`));
      if (s.matched.length) {
        const matched = el('div', 'matched');
        matched.append(el('span', 'label', `${t('matched')}：`), ...s.matched.map((w) => el('mark', undefined, w)));
        li.append(matched);
      }
      li.append(el('p', 'spoken', s.sub?.spoken ?? s.spoken));
      const details = el('details');
      details.open = state.open.has(s.id);
      details.addEventListener('toggle', () => (details.open ? state.open.add(s.id) : state.open.delete(s.id)));
      details.append(el('summary', undefined, t('fullAnswer')), answerPoints(s.sub?.answer ?? s.answer));
      if (s.sub) details.append(el('h4', undefined, t('generalAnswer')), answerPoints(s.answer));
      li.append(details);
      const use = el('button', 'use', state.used.has(s.id) ? t('used') : t('use'));
      use.type = 'button';
      use.disabled = state.used.has(s.id);
      use.addEventListener('click', () => onUse(s, i + 1));
      li.append(use);
      return li;
    }),
  );
}
