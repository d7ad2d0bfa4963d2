import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { sameSecret } from './secret.ts';
import { readCookie, SESSION_COOKIE } from './cookie.ts';
import { verifyNobody, verifyPassword } from './password.ts';
import type { Principal } from './roles.ts';
import { SERVICE_PRINCIPAL } from './roles.ts';
import type { SessionStore } from './sessions.ts';
import type { LoginThrottle } from './throttle.ts';
import type { User, UserStore } from './users.ts';

/**
 * Signs people in and tells who a request or socket acts for: a session cookie (people),
 * or the service token (tools) as `Authorization: Bearer …` or socket.io `auth.token`.
 *
 * @example
 *   const result = await auth.signIn('op1', 'secret', '10.0.0.7');
 *   if (result.ok) res.append('set-cookie', sessionCookie(result.sessionId, …));
 *   const who = await auth.fromHeaders(req.headers);   // Principal | null
 */
export type SignInResult =
  | { readonly ok: true; readonly sessionId: string; readonly principal: Principal }
  | { readonly ok: false; readonly reason: 'credentials' | 'disabled' }
  | { readonly ok: false; readonly reason: 'locked'; readonly by: 'user' | 'address'; readonly retryAt: number };

export interface AuthenticatorDeps {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly throttle: LoginThrottle;
  readonly serviceToken: string;
  readonly logger: Logger;
}

export class Authenticator {
  constructor(private readonly deps: AuthenticatorDeps) {}

  get sessions(): SessionStore {
    return this.deps.sessions;
  }

  async signIn(username: string, password: string, address: string): Promise<SignInResult> {
    const { users, throttle, sessions, logger } = this.deps;
    const locked = throttle.lockedUntil(username, address);
    if (locked) return { ok: false, reason: 'locked', ...locked };
    await users.refresh();
    const user = users.find(username);
    const good = user ? await verifyPassword(password, user.passwordHash) : await verifyNobody(password);
    if (!user || !good) {
      throttle.failed(username, address);
      logger.warn({ username: username.slice(0, 64), address }, 'sign-in failed');
      return { ok: false, reason: 'credentials' };
    }
    throttle.succeeded(username);
    if (user.disabled) return { ok: false, reason: 'disabled' };
    const { id, session } = sessions.create(user.id);
    logger.info({ username: user.username, role: user.role }, 'signed in');
    return { ok: true, sessionId: id, principal: principalOf(user, session.key) };
  }

  signOut(sessionId: string): void {
    this.deps.sessions.revoke(sessionId);
  }

  /** Who a session cookie's id belongs to, or null (unknown, expired, idle, user disabled, password changed). */
  async fromSession(sessionId: string): Promise<Principal | null> {
    const session = this.deps.sessions.resolve(sessionId);
    if (!session) return null;
    await this.deps.users.refresh();
    const user = this.deps.users.byId(session.userId);
    if (!user || !this.stillValid(user, session.createdAt)) {
      this.deps.sessions.revoke(sessionId);
      return null;
    }
    return principalOf(user, session.key);
  }

  fromServiceToken(token: string): Principal | null {
    return sameSecret(token, this.deps.serviceToken) ? SERVICE_PRINCIPAL : null;
  }

  /** A request's principal: the session cookie first, then a Bearer service token. */
  async fromHeaders(headers: IncomingHttpHeaders): Promise<Principal | null> {
    const id = readCookie(headers.cookie, SESSION_COOKIE);
    if (id) {
      const principal = await this.fromSession(id);
      if (principal) return principal;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    return bearer ? this.fromServiceToken(bearer.trim()) : null;
  }

  /** Ends the sessions of users disabled or whose password changed since (the CLI runs in another process). */
  async sweep(): Promise<void> {
    await this.deps.users.refresh();
    this.deps.sessions.revokeWhere((s) => {
      const user = this.deps.users.byId(s.userId);
      return !user || !this.stillValid(user, s.createdAt);
    }, 'account changed');
    this.deps.sessions.sweep();
  }

  private stillValid(user: User, sessionCreatedAt: number): boolean {
    return !user.disabled && Date.parse(user.passwordChangedAt) <= sessionCreatedAt;
  }
}

export function principalOf(user: User, sessionKey: string | null): Principal {
  return { userId: user.id, username: user.username, displayName: user.displayName, role: user.role, kind: 'user', sessionKey };
}
