/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's
 * page sends it, which also keeps cross-site requests from acting as the operator),
 * Secure when the server is reached over https (PUBLIC_URL).
 *
 * @example
 *   res.append('set-cookie', sessionCookie(id, { secure: true, maxAgeMs: 43_200_000 }));
 *   readCookie(req.headers.cookie, SESSION_COOKIE) === id
 */
export const SESSION_COOKIE = 'hotline_session';

export function sessionCookie(id: string, options: { secure: boolean; maxAgeMs: number }): string {
  return [`${SESSION_COOKIE}=${id}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.floor(options.maxAgeMs / 1000)}`, ...(options.secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(options: { secure: boolean }): string {
  return sessionCookie('', { ...options, maxAgeMs: 0 });
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value || null;
    }
  }
  return null;
}
