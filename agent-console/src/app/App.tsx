import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { hasSession } from './auth-api.ts';
import { Shell } from './Shell.tsx';
import { SignIn } from './SignIn.tsx';

type Gate = { readonly phase: 'checking' } | { readonly phase: 'signed-out'; readonly message: string | null } | { readonly phase: 'signed-in'; readonly session: number };

/** The sign-in gate: the shell when the browser has a live session, the sign-in form otherwise. */
export function App() {
  const { t, toggle } = useI18n();
  const [gate, setGate] = useState<Gate>({ phase: 'checking' });
  useEffect(() => {
    void hasSession().then((yes) => setGate(yes ? { phase: 'signed-in', session: 1 } : { phase: 'signed-out', message: null }));
  }, []);

  if (gate.phase === 'signed-in') return <Shell key={gate.session} onEnded={(message) => setGate({ phase: 'signed-out', message })} />;
  return (
    <>
      <header>
        <h1>{t('title')}</h1>
        <button id="lang" type="button" onClick={toggle}>{t('language')}</button>
      </header>
      {gate.phase === 'signed-out' && <SignIn message={gate.message} onSignedIn={() => setGate({ phase: 'signed-in', session: Date.now() })} />}
    </>
  );
}
