import { useEffect, useState } from 'react';
import type { ConsoleSocket } from './console-socket.ts';

export type ConnectionState = 'connecting' | 'online' | 'offline';

/**
 * The socket's state for the header and the banner: `offline` once a connection that was
 * up has dropped (socket.io reconnects by itself), `online` again when it is back.
 */
export function useConnection(socket: ConsoleSocket): ConnectionState {
  const [state, setState] = useState<ConnectionState>(socket.connected ? 'online' : 'connecting');
  useEffect(() => {
    const online = () => setState('online');
    const offline = () => setState('offline');
    const failed = (error: Error) => {
      if (error.message !== 'unauthorized') setState((now) => (now === 'connecting' ? 'connecting' : 'offline'));
    };
    socket.on('connect', online);
    socket.on('disconnect', offline);
    socket.on('connect_error', failed);
    return () => {
      socket.off('connect', online);
      socket.off('disconnect', offline);
      socket.off('connect_error', failed);
    };
  }, [socket]);
  return state;
}
