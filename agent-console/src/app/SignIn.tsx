import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { signIn } from './auth-api.ts';

/** The sign-in form; `message` is why the user is here again (session ended), if so. */
export function SignIn({ message, onSignedIn }: { message: string | null; onSignedIn: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(message);
  const [busy, setBusy] = useState(false);
  const [password, setPassword] = useState('');
  const [username, setUsername] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const outcome = await signIn(username.trim(), password);
    setBusy(false);
    setPassword('');
    if (outcome.ok) return onSignedIn();
    setError(t(outcome.message, outcome.vars));
  };

  return (
    <form id="login" onSubmit={submit}>
      <h2>{t('signInTitle')}</h2>
      <label>
        <span>{t('username')}</span>
        <input id="username" name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        <span>{t('password')}</span>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>{t('signIn')}</button>
      {error && <p id="login-error" className="error" role="alert">{error}</p>}
    </form>
  );
}
