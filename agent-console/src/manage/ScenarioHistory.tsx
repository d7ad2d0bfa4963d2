import { useEffect, useState } from 'react';
import type { Translate } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { dateTime } from './format.ts';
import { DiffView } from './DiffView.tsx';
import { knowledgeApi, type KnowledgeChange } from './manage-api.ts';
import { changedFields, fieldText } from './scenario-changes.ts';

/** A scenario's changes made through the product, newest first, each with what it changed. */
export function ScenarioHistory({ id, t }: { id: string; t: Translate }) {
  const { lang } = useI18n();
  const [changes, setChanges] = useState<readonly KnowledgeChange[] | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => {
    void knowledgeApi.history(id).then((reply) => setChanges(reply.ok ? [...reply.data].reverse() : []));
  }, [id]);
  if (changes === null) return <p className="empty">{t('kb.loading')}</p>;
  return (
    <section id="kb-history" className="history">
      <h3>{t('kb.history')}</h3>
      {!changes.length && <p className="empty">{t('kb.noHistory')}</p>}
      <ol>
        {changes.map((c) => {
          const fields = changedFields(c.before, c.after);
          return (
            <li key={c.change} data-change={c.change}>
              <button type="button" className="link" onClick={() => setOpen(open === c.change ? null : c.change)}>
                #{c.change} {dateTime(c.at, lang)} · {c.author} · {t(`kb.action.${c.action}`)}
              </button>
              <span className="muted"> {t('kb.changedFields', { fields: fields.join(', ') || '—' })}</span>
              {open === c.change && fields.map((f) => (
                <div key={f} className="history-field">
                  <h4>{f}</h4>
                  <DiffView before={fieldText(c.before, f)} after={fieldText(c.after, f)} t={t} context={2} />
                </div>
              ))}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
