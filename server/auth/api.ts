import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Authenticator } from './authenticator.ts';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './cookie.ts';
import type { Principal } from './roles.ts';

/**
 * Sign-in for the console, under `/api/auth`:
 *
 *   POST /login  {username, password}   200 {user} and the session cookie; 401 wrong username or
 *                                       password (the same answer for both); 403 account disabled;
 *                                       429 locked out, with Retry-After and when to retry
 *   POST /logout                        204, the session ends and the cookie is cleared
 *   GET  /me                            200 {user} for a live session, 401 otherwise
 *
 * Errors are `{error, code}`: `error` in English for logs and tools, `code` for the page to
 * say it in the operator's language.
 */
export interface AuthApiDeps {
  readonly auth: Authenticator;
  readonly secureCookie: boolean;
  readonly sessionTtlMs: number;
  readonly logger: Logger;
}

const loginBody = z.object({
  username: z.string().trim().min(1, 'required').max(64),
  password: z.string().min(1, 'required').max(1024),
});

export function publicUser(p: Principal) {
  return { username: p.username, displayName: p.displayName, role: p.role };
}

export function createAuthApi(deps: AuthApiDeps): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));
  const cookieOptions = { secure: deps.secureCookie };

  router.post('/login', async (req, res) => {
    const body = loginBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'expected {username, password}', code: 'bad_request', problems: body.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message })) });
      return;
    }
    const result = await deps.auth.signIn(body.data.username, body.data.password, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (result.ok) {
      res.append('set-cookie', sessionCookie(result.sessionId, { ...cookieOptions, maxAgeMs: deps.sessionTtlMs }));
      res.json({ user: publicUser(result.principal) });
      return;
    }
    if (result.reason === 'locked') {
      const retryAfterS = Math.max(1, Math.ceil((result.retryAt - Date.now()) / 1000));
      const who = result.by === 'user' ? 'for this username' : 'from this address';
      res.set('retry-after', String(retryAfterS)).status(429).json({
        error: `too many failed sign-ins ${who}; try again in ${retryAfterS} s (after ${new Date(result.retryAt).toISOString()})`,
        code: 'locked',
        retryAfterS,
        retryAt: new Date(result.retryAt).toISOString(),
      });
      return;
    }
    if (result.reason === 'disabled') {
      res.status(403).json({ error: 'this account is disabled; ask an administrator', code: 'disabled' });
      return;
    }
    res.status(401).json({ error: 'wrong username or password', code: 'credentials' });
  });

  router.post('/logout', (req, res) => {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (id) deps.auth.signOut(id);
    res.append('set-cookie', clearedSessionCookie(cookieOptions)).status(204).end();
  });

  router.get('/me', async (req, res) => {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    const principal = id ? await deps.auth.fromSession(id) : null;
    if (!principal) {
      res.status(401).json({ error: 'not signed in', code: 'signed_out' });
      return;
    }
    res.set('cache-control', 'no-store').json({ user: publicUser(principal) });
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: 'the body is not valid JSON', code: 'bad_request' });
      return;
    }
    if (type === 'entity.too.large') {
      res.status(413).json({ error: 'the body is too large', code: 'bad_request' });
      return;
    }
    deps.logger.error({ err: error }, 'auth API failed');
    res.status(500).json({ error: 'internal error', code: 'internal' });
  });
  return router;
}
