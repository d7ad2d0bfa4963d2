import type { RouteProps } from '../app/route-props.ts';

/** The supervisor wallboard (placeholder: the supervisor engineer replaces this file). */
export default function Wallboard({ t }: RouteProps) {
  return (
    <main id="wallboard" className="page">
      <p className="empty">{t('wallboard.placeholder')}</p>
    </main>
  );
}
