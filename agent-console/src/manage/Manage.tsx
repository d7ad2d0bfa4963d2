import { useEffect, useState } from 'react';
import type { RouteProps } from '../app/route-props.ts';
import { KnowledgePage } from './KnowledgePage.tsx';
import { RulesPage } from './RulesPage.tsx';

/**
 * The manager pages: the knowledge base (browse, search, edit a scenario, its history) and
 * the rule files (edit with line numbers, problems shown at their lines). The tab is in the
 * address (`#/manage/knowledge`, `#/manage/rules`), so a reload keeps it. The server refuses
 * changes from roles that may not make them, whatever this page shows.
 */
type Tab = 'knowledge' | 'rules';
const tabOf = (hash: string): Tab => (hash.startsWith('#/manage/rules') ? 'rules' : 'knowledge');

export default function Manage({ t }: RouteProps) {
  const [tab, setTab] = useState<Tab>(() => tabOf(location.hash));
  useEffect(() => {
    const follow = () => setTab(tabOf(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return (
    <main id="manage" className="page">
      <nav className="manage-tabs" role="tablist">
        {(['knowledge', 'rules'] as const).map((id) => (
          <a key={id} id={`tab-${id}`} role="tab" href={`#/manage/${id}`} aria-selected={tab === id}>{t(`manage.tab.${id}`)}</a>
        ))}
      </nav>
      {tab === 'knowledge' ? <KnowledgePage t={t} /> : <RulesPage t={t} />}
    </main>
  );
}
