import type { RouteProps } from '../app/route-props.ts';

/** The operator workspace. */
export function Desk({ t }: RouteProps) {
  return (
    <main id="desk" className="page">
      <p className="empty">{t('noCalls')}</p>
    </main>
  );
}
