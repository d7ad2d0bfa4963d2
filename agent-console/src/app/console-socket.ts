import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../server/console/contract.ts';

export type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The page's one socket to namespace /console. The session cookie goes with the WebSocket
 * handshake by itself (same origin, HttpOnly: the page never sees it). Reconnects quickly:
 * the server keeps a dropped socket's rooms and missed events for two minutes
 * (connectionStateRecovery), and the sooner it is back, the less there is to catch up.
 */
export function createConsoleSocket(): ConsoleSocket {
  return io('/console', {
    transports: ['websocket'],
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
  });
}
