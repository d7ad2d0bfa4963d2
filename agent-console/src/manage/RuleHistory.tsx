import { useEffect, useState } from 'react';
import type { Translate } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { dateTime } from './format.ts';
import { DiffView } from './DiffView.tsx';
import { rulesApi, type RuleChange } from './manage-api.ts';

/** A rule file's changes made through the product, newest first: what each changed, and its previous version to load back. */
export function RuleHistory({ name, t, onRestore }: { name: string; t: Translate; onRestore: (text: string) => void }) {
  const { lang } = useI18n();
  const [changes, setChanges] = useState<readonly RuleChange[] | null>(null);
  const [open, setOpen] = useState<{ change: number; before: string; after: string } | null>(null);
  useEffect(() => {
    void rulesApi.history(name).then((reply) => setChanges(reply.ok ? [...reply.data].reverse() : []));
  }, [name]);

  const text = async (etag: string | null) => (etag ? ((r) => (r.ok ? r.data : ''))(await rulesApi.version(name, etag)) : '');
  const show = async (c: RuleChange) => {
    if (open?.change === c.change) return setOpen(null);
    setOpen({ change: c.change, before: await text(c.before), after: await text(c.after) });
  };

  if (changes === null) return <p className="empty">{t('kb.loading')}</p>;
  return (
    <section id="rule-history" className="history">
      <h3>{t('rules.history')}</h3>
      {!changes.length && <p className="empty">{t('rules.noHistory')}</p>}
      <ol>
        {changes.map((c) => (
          <li key={c.change} data-change={c.change}>
            <span>{t('rules.change', { n: c.change, at: dateTime(c.at, lang), author: c.author })}</span>{' '}
            <button type="button" className="link" onClick={() => void show(c)}>{t('rules.showDiff')}</button>{' '}
            {c.before && <button type="button" className="link" onClick={() => void text(c.before).then(onRestore)}>{t('rules.restore')}</button>}
            {open?.change === c.change && (
              <>
                <p className="muted">{t('rules.diffTitle', { from: t('rules.diffBefore'), to: t('rules.diffAfter') })}</p>
                <DiffView before={open.before} after={open.after} t={t} />
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
