import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ConsoleIdentity, OperatorState, ServerToClientEvents } from '../../server/console/contract.ts';
import { t, type Key } from './i18n.ts';

/**
 * Signing in and out, who is signed in, and an operator's own state (available, busy,
 * after-call work). The session lives in an HttpOnly cookie the page never sees: the
 * page asks `/api/auth/me` whether it has one, and the socket carries it by itself.
 */
type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SessionHooks {
  /** Signed in: show the desk and connect. */
  readonly signedIn: () => void;
  /** Signed out (or the session ended): forget the calls on screen. */
  readonly signedOut: () => void;
  readonly alert: (text: string) => void;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function setupSession(socket: ConsoleSocket, hooks: SessionHooks) {
  let me: ConsoleIdentity | null = null;
  let myState: OperatorState | null = null;
  let signedIn = false;

  const render = () => {
    $('me').hidden = !me;
    $('logout').hidden = !signedIn;
    $('op-state-box').hidden = !(me && me.role === 'operator' && !me.service && myState);
    if (me) {
      $('me-name').textContent = me.displayName;
      $('me-role').textContent = t(`role.${me.role}` as Key);
    }
    if (myState) {
      $<HTMLSelectElement>('op-state').value = myState;
      $('op-state-box').dataset['state'] = myState;
    }
  };

  const showLogin = (message: string | null) => {
    signedIn = false;
    me = null;
    myState = null;
    $('desk').hidden = true;
    $('login').hidden = false;
    const error = $('login-error');
    error.hidden = !message;
    error.textContent = message ?? '';
    render();
    hooks.signedOut();
  };

  const enter = () => {
    signedIn = true;
    $('login').hidden = true;
    $('login-error').hidden = true;
    render();
    hooks.signedIn();
    socket.connect();
  };

  $('login').addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = $<HTMLInputElement>('username').value.trim();
    const password = $<HTMLInputElement>('password').value;
    let res: Response;
    try {
      res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    } catch {
      return showLogin(t('login.failed'));
    }
    $<HTMLInputElement>('password').value = '';
    if (res.ok) return enter();
    const body = (await res.json().catch(() => ({}))) as { code?: string; retryAfterS?: number };
    if (body.code === 'locked') showLogin(t('login.locked').replace('{s}', String(body.retryAfterS ?? 60)));
    else if (body.code === 'credentials' || body.code === 'disabled') showLogin(t(`login.${body.code}`));
    else showLogin(t('login.failed'));
  });

  $('logout').addEventListener('click', async () => {
    await fetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    socket.disconnect();
    showLogin(null);
  });

  $('op-state').addEventListener('change', () => {
    const wanted = $<HTMLSelectElement>('op-state').value as OperatorState;
    socket.timeout(5000).emit('operator:state', wanted, (error, result) => {
      if (error || !result.ok) {
        hooks.alert(`${t('stateFailed')}${result && !result.ok ? `：${result.error}` : ''}`);
        return render(); // back to the state the server holds
      }
      myState = result.status.state;
      render();
    });
  });

  socket.on('session:identity', (identity) => {
    me = identity;
    render();
  });
  socket.on('operator:state', (status) => {
    if (!me || status.username !== me.username) return;
    myState = status.state;
    render();
  });
  socket.on('connect_error', (error) => {
    if (error.message !== 'unauthorized') return;
    socket.disconnect();
    showLogin(signedIn ? t('login.ended') : null);
  });
  // The server closes the sockets of a session that ended (signed out elsewhere, expired, account disabled).
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect' && signedIn) showLogin(t('login.ended'));
  });

  return {
    /** Goes to the desk if the browser still has a live session, to the sign-in form otherwise. */
    async start(): Promise<void> {
      const res = await fetch('/api/auth/me').catch(() => null);
      if (res?.ok) enter();
      else showLogin(null);
    },
    render,
  };
}
