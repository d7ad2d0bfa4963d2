import { useEffect, useState } from 'react';
import { lookup, type Translate } from '../i18n/i18n.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { dateTime } from './format.ts';
import { rulesApi, type RuleFileInfo } from './manage-api.ts';
import { RuleFileEditor } from './RuleFileEditor.tsx';

/** The rule files on the left (what each is for, its size and when it changed), the chosen one in the editor. */
export function RulesPage({ t }: { t: Translate }) {
  const { lang } = useI18n();
  const [files, setFiles] = useState<readonly RuleFileInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);

  const refresh = async () => {
    const reply = await rulesApi.files();
    if (reply.ok) setFiles(reply.data.files);
    else setError(reply.error);
  };
  useEffect(() => void refresh(), []);
  const choose = (name: string) => {
    if (name === selected || (dirty && !confirm(t('rules.discard')))) return;
    setDirty(false);
    setSelected(name);
  };

  return (
    <div className="manage-split">
      <aside className="panel manage-list" id="rule-files">
        <h3>{t('rules.files')}</h3>
        {error && <p className="error">{t('kb.loadFailed', { error })}</p>}
        <ul className="pick-list">
          {(files ?? []).map((f) => (
            <li key={f.name}>
              <button type="button" data-file={f.name} aria-current={f.name === selected} onClick={() => choose(f.name)}>
                <span className="name">{f.name}</span>
                <span className="muted desc">{lookup(t, `rules.desc.${f.name}`, '')}</span>
                <span className="muted id">{t('rules.lines', { n: f.lines })} · {dateTime(f.modified, lang)}</span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <section className="panel manage-main" id="rule-editor-panel">
        {selected ? <RuleFileEditor key={selected} name={selected} t={t} onSaved={() => void refresh()} onDirty={setDirty} /> : <p className="empty">{t('rules.pick')}</p>}
      </section>
    </div>
  );
}
