import type { Key } from '../i18n/i18n.ts';

/**
 * The sign-in REST API (/api/auth): the session is an HttpOnly cookie the page never
 * sees, so "am I signed in" is a question to /api/auth/me.
 */
export type SignInOutcome = { readonly ok: true } | { readonly ok: false; readonly message: Key; readonly vars?: Record<string, number> };

export async function signIn(username: string, password: string): Promise<SignInOutcome> {
  let res: Response;
  try {
    res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  } catch {
    return { ok: false, message: 'login.failed' };
  }
  if (res.ok) return { ok: true };
  const body = (await res.json().catch(() => ({}))) as { code?: string; retryAfterS?: number };
  if (body.code === 'locked') return { ok: false, message: 'login.locked', vars: { s: body.retryAfterS ?? 60 } };
  if (body.code === 'credentials') return { ok: false, message: 'login.credentials' };
  if (body.code === 'disabled') return { ok: false, message: 'login.disabled' };
  return { ok: false, message: 'login.failed' };
}

export async function signOut(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
}

export async function hasSession(): Promise<boolean> {
  const res = await fetch('/api/auth/me').catch(() => null);
  return Boolean(res?.ok);
}
