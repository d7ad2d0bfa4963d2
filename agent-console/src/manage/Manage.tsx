import type { RouteProps } from '../app/route-props.ts';

/** The manager pages (placeholder: the manager engineer replaces this file). */
export default function Manage({ t }: RouteProps) {
  return (
    <main id="manage" className="page">
      <p className="empty">{t('manage.placeholder')}</p>
    </main>
  );
}
