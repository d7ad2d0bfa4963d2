import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConsoleIdentity, OperatorState, ServerInfo } from '../../../server/console/contract.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { LiveCalls } from '../live/live-calls.ts';
import { Toasts, useToasts } from '../shared/Toasts.tsx';
import { signOut } from './auth-api.ts';
import { createConsoleSocket } from './console-socket.ts';
import { Header } from './Header.tsx';
import { resolveRoute, routesFor } from './route-table.ts';
import { ROUTE_COMPONENTS } from './routes.tsx';
import { SessionContext, type ConsoleSession } from './session-context.tsx';
import { useConnection } from './use-connection.ts';
import { useHash } from './use-hash.ts';

/**
 * The signed-in app: one socket for the session (made here, closed on sign-out), the
 * header, the connection banner, and the page the hash names, if the role may open it.
 * `onEnded` goes back to the sign-in form, with a message when the server ended the session.
 */
export function Shell({ onEnded }: { onEnded: (message: string | null) => void }) {
  const { t, lang } = useI18n();
  const socket = useMemo(createConsoleSocket, []);
  // Listening before the socket connects: the server sends the snapshot right after connecting.
  const live = useMemo(() => new LiveCalls(socket), [socket]);
  const connection = useConnection(socket);
  const [identity, setIdentity] = useState<ConsoleIdentity | null>(null);
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [operatorState, setMyState] = useState<OperatorState | null>(null);
  /** Just reconnected after a drop: whether socket.io recovered the session (missed events replayed) or the calls were fetched again. */
  const [caughtUp, setCaughtUp] = useState<{ recovered: boolean } | null>(null);
  const { toasts, notify, dismiss } = useToasts();
  const hash = useHash();

  // The socket's handlers are set once for the session; they read the language and callback of now.
  const latest = useRef({ t, onEnded });
  latest.current = { t, onEnded };
  useEffect(() => {
    const ended = () => {
      socket.disconnect();
      latest.current.onEnded(latest.current.t('login.ended'));
    };
    // The server sends who this is, then (for an operator) their state, right after connecting.
    let me: ConsoleIdentity | null = null;
    socket.on('session:identity', (identity) => {
      me = identity;
      setIdentity(identity);
    });
    socket.on('operator:state', (status) => {
      if (me && status.username === me.username) setMyState(status.state);
    });
    socket.on('server:info', setInfo);
    socket.on('connect_error', (error) => {
      if (error.message === 'unauthorized') ended();
    });
    // The server closes the sockets of a session that ended (signed out elsewhere, expired, account disabled).
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') ended();
    });
    let dropped = false;
    socket.on('disconnect', () => (dropped = true));
    socket.on('connect', () => {
      if (dropped) setCaughtUp({ recovered: socket.recovered });
      dropped = false;
    });
    socket.connect();
    return () => {
      live.close();
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [socket, live]);

  useEffect(() => {
    if (!caughtUp) return;
    const timer = setTimeout(() => setCaughtUp(null), 6000);
    return () => clearTimeout(timer);
  }, [caughtUp]);

  const setOperatorState = useCallback((state: OperatorState) => {
    socket.timeout(5000).emit('operator:state', state, (error, result) => {
      if (error || !result.ok) return notify(`${t('stateFailed')}${result && !result.ok ? `：${result.error}` : ''}`);
      setMyState(result.status.state);
    });
  }, [socket, notify, t]);

  const leave = useCallback(async () => {
    await signOut();
    socket.disconnect();
    onEnded(null);
  }, [socket, onEnded]);

  const route = identity ? resolveRoute(hash, identity.role) : null;
  const Page = route ? ROUTE_COMPONENTS[route] : null;
  const session: ConsoleSession | null = identity ? { socket, identity, live, notify, operatorState, setOperatorState } : null;

  return (
    <>
      <Header
        identity={identity}
        connection={connection}
        info={info}
        routes={identity ? routesFor(identity.role) : []}
        current={route}
        operatorState={operatorState}
        onOperatorState={setOperatorState}
        onSignOut={leave}
      />
      {connection === 'offline' && <div id="connection-banner" className="banner" role="status">{t('conn.banner')}</div>}
      {connection === 'online' && caughtUp && <div id="caught-up" className="banner ok" role="status" data-recovered={String(caughtUp.recovered)}>{t('conn.caughtUp')}</div>}
      <Toasts toasts={toasts} onDismiss={dismiss} />
      {session && (
        <SessionContext.Provider value={session}>
          {Page ? <Page socket={socket} identity={session.identity} t={t} lang={lang} live={session.live} /> : <p className="empty page-empty">{t('route.none')}</p>}
        </SessionContext.Provider>
      )}
    </>
  );
}
