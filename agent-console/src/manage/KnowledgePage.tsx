import { useEffect, useMemo, useState } from 'react';
import type { Translate } from '../i18n/i18n.ts';
import { knowledgeApi, type ScenarioSummary, type Suggestion } from './manage-api.ts';
import { ScenarioEditor } from './ScenarioEditor.tsx';

/**
 * The knowledge base: categories (the domains) and their scenarios on the left, or what the
 * search API suggests for a caller's question; the chosen scenario's editor on the right.
 */
export function KnowledgePage({ t }: { t: Translate }) {
  const [scenarios, setScenarios] = useState<readonly ScenarioSummary[] | null>(null);
  const [departments, setDepartments] = useState<readonly { id: string; name: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [domain, setDomain] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<readonly Suggestion[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const choose = (id: string) => {
    if (id === selected || (dirty && !confirm(t('kb.discard')))) return;
    setDirty(false);
    setSelected(id);
  };

  const refresh = async () => {
    const [list, depts] = await Promise.all([knowledgeApi.scenarios(), knowledgeApi.departments()]);
    if (list.ok) setScenarios(list.data);
    else setError(list.error);
    if (depts.ok) setDepartments(depts.data);
  };
  useEffect(() => void refresh(), []);

  const domains = useMemo(() => {
    const counts = new Map<string, number>();
    for (const s of scenarios ?? []) counts.set(s.domain, (counts.get(s.domain) ?? 0) + 1);
    return [...counts.entries()];
  }, [scenarios]);
  const shown = (scenarios ?? []).filter((s) => domain === null || s.domain === domain);

  const search = async () => {
    if (!query.trim()) return setResults(null);
    const reply = await knowledgeApi.search(query.trim());
    setResults(reply.ok ? reply.data.suggestions : []);
    if (!reply.ok) setError(reply.error);
  };

  return (
    <div className="manage-split">
      <aside className="panel manage-list" id="kb-browser">
        <form className="kb-search" onSubmit={(e) => { e.preventDefault(); void search(); }}>
          <label htmlFor="kb-query">{t('kb.search')}</label>
          <div className="row">
            <input id="kb-query" type="search" value={query} placeholder={t('kb.searchPlaceholder')} onChange={(e) => setQuery(e.target.value)} />
            <button id="kb-search" type="submit">{t('kb.searchButton')}</button>
          </div>
        </form>
        {error && <p className="error">{t('kb.loadFailed', { error })}</p>}
        {results ? (
          <section id="kb-results">
            <h3>{t('kb.results', { n: results.length })} <button type="button" className="link" onClick={() => { setResults(null); setQuery(''); }}>{t('kb.clearSearch')}</button></h3>
            {!results.length && <p className="empty">{t('kb.noResults')}</p>}
            <ul className="pick-list">
              {results.map((s) => (
                <li key={s.id}>
                  <button type="button" data-id={s.id} aria-current={s.id === selected} onClick={() => choose(s.id)}>
                    <span className="name">{s.title}</span> <span className="muted score">{Math.round(s.score * 100)}%</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ) : (
          <section id="kb-categories">
            <h3>{t('kb.categories')}</h3>
            <div className="chips">
              <button type="button" aria-pressed={domain === null} onClick={() => setDomain(null)}>{t('kb.all')} <span className="muted">{scenarios?.length ?? 0}</span></button>
              {domains.map(([name, n]) => (
                <button key={name} type="button" data-domain={name} aria-pressed={domain === name} onClick={() => setDomain(name)}>{name} <span className="muted">{n}</span></button>
              ))}
            </div>
            {scenarios === null ? <p className="empty">{t('kb.loading')}</p> : (
              <ul className="pick-list" id="kb-scenarios">
                {shown.map((s) => (
                  <li key={s.id}>
                    <button type="button" data-id={s.id} aria-current={s.id === selected} onClick={() => choose(s.id)}>
                      <span className="name">{s.title}</span>
                      {s.status === 'retired' && <span className="state">{t('kb.retired')}</span>}
                      <span className="muted id">{s.id}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
      </aside>
      <section className="panel manage-main" id="kb-editor-panel">
        {selected ? <ScenarioEditor key={selected} id={selected} departments={departments} t={t} onSaved={() => void refresh()} onDirty={setDirty} /> : <p className="empty">{t('kb.pick')}</p>}
      </section>
    </div>
  );
}
