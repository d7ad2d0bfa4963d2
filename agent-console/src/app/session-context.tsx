import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ConsoleIdentity, OperatorState } from '../../../server/console/contract.ts';
import type { CallsState } from '../live/calls-state.ts';
import type { LiveCalls } from '../live/live-calls.ts';
import type { ConsoleSocket } from './console-socket.ts';

/** What the signed-in shell gives every component below it. */
export interface ConsoleSession {
  readonly socket: ConsoleSocket;
  readonly identity: ConsoleIdentity;
  readonly live: LiveCalls;
  /** A message in the corner for a while (alerts, failed actions). */
  readonly notify: (text: string) => void;
  /** The operator's own state; null for other roles (and until the server says). */
  readonly operatorState: OperatorState | null;
  /** Asks the server to set the operator's state; says so with `notify` when it refuses. */
  readonly setOperatorState: (state: OperatorState) => void;
}

export const SessionContext = createContext<ConsoleSession | null>(null);

export function useConsole(): ConsoleSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useConsole outside the signed-in shell');
  return session;
}

/** The live calls, re-rendering the component when they change. */
export function useLiveCalls(live?: LiveCalls): CallsState {
  const session = useContext(SessionContext);
  const store = live ?? session?.live;
  if (!store) throw new Error('useLiveCalls outside the signed-in shell, and no LiveCalls given');
  return useSyncExternalStore(store.subscribe, store.getState);
}
