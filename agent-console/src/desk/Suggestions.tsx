import type { Suggestion } from '../../../server/assist/suggestion.ts';
import type { Answer } from '../../../server/knowledge/schema.ts';
import type { Key } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';

/**
 * The knowledge base's answers for the caller's request, best first: score, the caller's
 * words that matched, the answer to read out, the full answer in points (条件, 材料, 渠道,
 * 时限, 依据) behind a toggle, and "采用" to mark the one used. Keys 1–3 use, O opens the top one.
 */
const POINTS: readonly (readonly [keyof Answer, Key])[] = [
  ['conditions', 'point.conditions'],
  ['materials', 'point.materials'],
  ['channels', 'point.channels'],
  ['timeLimit', 'point.timeLimit'],
  ['basis', 'point.basis'],
  ['notes', 'point.notes'],
];

export interface SuggestionsProps {
  readonly items: readonly Suggestion[];
  readonly used: readonly string[];
  /** Ids whose full answer is open. */
  readonly open: ReadonlySet<string>;
  readonly onToggle: (id: string, open: boolean) => void;
  readonly onUse: (s: Suggestion, rank: number) => void;
}

export function Suggestions({ items, used, open, onToggle, onUse }: SuggestionsProps) {
  const { t } = useI18n();
  return (
    <section id="suggestions-panel" className="panel" aria-live="polite">
      <h3>{t('suggestions')}</h3>
      {items.length === 0 && <p id="no-suggestions" className="empty">{t('noSuggestions')}</p>}
      <ol id="suggestions">
        {items.map((s, i) => {
          const isUsed = used.includes(s.id);
          return (
            <li key={s.id} className="suggestion" data-id={s.id}>
              <div className="suggestion-head">
                {i < 3 && <kbd title={t('shortcut.use')}>{i + 1}</kbd>}
                <strong className="title">{s.title}</strong>
                <span className="score">{Math.round(s.score * 100)}%</span>
              </div>
              {s.sub && <div className="sub">{t('variant')}：{s.sub.title}</div>}
              {s.matched.length > 0 && (
                <div className="matched"><span className="label">{t('matched')}：</span>{s.matched.map((w, j) => <mark key={j}>{w}</mark>)}</div>
              )}
              <p className="spoken">{s.sub?.spoken ?? s.spoken}</p>
              <details open={open.has(s.id)} onToggle={(e) => {
                const nowOpen = e.currentTarget.open;
                if (nowOpen !== open.has(s.id)) onToggle(s.id, nowOpen);
              }}>
                <summary>{t('fullAnswer')}</summary>
                <AnswerPoints answer={s.sub?.answer ?? s.answer} />
                {s.sub && (<><h4>{t('generalAnswer')}</h4><AnswerPoints answer={s.answer} /></>)}
              </details>
              <button type="button" className="use" disabled={isUsed} onClick={() => onUse(s, i + 1)}>{isUsed ? t('used') : t('use')}</button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function AnswerPoints({ answer }: { answer: Answer }) {
  const { t } = useI18n();
  return (
    <dl className="points">
      {POINTS.map(([field, label]) => {
        const items = answer[field] as readonly string[] | undefined;
        if (!items?.length) return null;
        return (
          <div key={field}>
            <dt>{t(label)}</dt>
            <dd><ul>{items.map((item, j) => <li key={j}>{item}</li>)}</ul></dd>
          </div>
        );
      })}
    </dl>
  );
}
