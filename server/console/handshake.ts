import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.ts';
import { readCookie, SESSION_COOKIE } from '../auth/cookie.ts';
import type { ConsoleServer } from './namespace.ts';

/**
 * The `/console` namespace's gate: a socket gets in with the session cookie its page was
 * given at sign-in (the browser sends it with the WebSocket handshake), or with the
 * service token as `auth.token` (tools). Anything else is refused with connect_error
 * `unauthorized`, its `data.reason` saying what to do.
 *
 * @example (a tool)
 *   io(`${url}/console`, { auth: { token: process.env.CONSOLE_TOKEN }, transports: ['websocket'] });
 */
export function authenticateSockets(nsp: ReturnType<ConsoleServer['of']>, auth: Authenticator, logger: Logger): void {
  nsp.use(async (socket, next) => {
    try {
      const id = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
      const token: unknown = socket.handshake.auth?.['token'];
      const principal = (id ? await auth.fromSession(id) : null) ?? (typeof token === 'string' ? auth.fromServiceToken(token) : null);
      if (!principal) {
        logger.warn({ address: socket.handshake.address, hadSession: Boolean(id), hadToken: typeof token === 'string' }, 'console connection refused');
        const reason = id ? 'the session has ended: sign in again at /console' : 'not signed in: sign in at /console, or give the service token (CONSOLE_TOKEN) as auth.token';
        next(Object.assign(new Error('unauthorized'), { data: { reason } }));
        return;
      }
      socket.data = principal;
      next();
    } catch (error) {
      logger.error({ err: error }, 'console authentication failed');
      next(Object.assign(new Error('unauthorized'), { data: { reason: 'the server could not check the session' } }));
    }
  });
}
