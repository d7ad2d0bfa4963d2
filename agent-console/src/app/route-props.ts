import type { ConsoleIdentity } from '../../../server/console/contract.ts';
import type { Lang, Translate } from '../i18n/i18n.ts';
import type { LiveCalls } from '../live/live-calls.ts';
import type { ConsoleSocket } from './console-socket.ts';

/**
 * What every page (route component) is given by the shell. The same things are in React
 * context too (`useConsole()` in session-context.tsx, `useI18n()`), for deeper components.
 */
export interface RouteProps {
  /** The one socket to /console, connected and signed in; it reconnects by itself. */
  readonly socket: ConsoleSocket;
  readonly identity: ConsoleIdentity;
  readonly t: Translate;
  readonly lang: Lang;
  /** Every call this console may see, kept up to date and caught up after drops. */
  readonly live: LiveCalls;
}
