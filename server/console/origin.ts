import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { ConsoleServer } from './namespace.ts';

/**
 * The `/console` namespace's first gate: a socket opened by a page from another site is
 * refused, whatever cookie it carries (cross-site WebSocket hijacking; the SameSite=Strict
 * session cookie is the second line, not the only one). Browsers always send `Origin` on
 * a WebSocket handshake and on cross-origin requests; tools send none and go on to the
 * service-token check. Allowed: the server's own origin (PUBLIC_URL's, or the host the
 * request came to, which is also what Vite's dev proxy forwards) and CONSOLE_ORIGINS.
 * A refusal is connect_error `forbidden origin`, its `data.reason` saying what to do.
 *
 * @example
 *   refuseForeignOrigins(nsp, { allowed: () => [new URL(publicUrl).origin, ...config.consoleOrigins], logger });
 */
export interface OriginCheckOptions {
  /** Origins allowed besides the request's own host: PUBLIC_URL's and CONSOLE_ORIGINS. */
  readonly allowed: () => readonly string[];
  readonly logger: Logger;
}

export const FORBIDDEN_ORIGIN = 'forbidden origin';

/** Whether a handshake with these headers may open a console socket. */
export function originAllowed(headers: IncomingHttpHeaders, allowed: readonly string[]): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true; // not a browser page: the credentials decide
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // `null` (a sandboxed frame, a file:// page) and garbage
  }
  if (allowed.includes(parsed.origin)) return true;
  // The host the request came to (same host and port; the scheme is the listener's own).
  return headers.host !== undefined && parsed.host === headers.host.toLowerCase();
}

export function refuseForeignOrigins(nsp: ReturnType<ConsoleServer['of']>, options: OriginCheckOptions): void {
  nsp.use((socket, next) => {
    const { headers } = socket.handshake;
    if (originAllowed(headers, options.allowed())) return next();
    options.logger.warn({ origin: headers.origin, host: headers.host, address: socket.handshake.address }, 'console connection from a foreign origin refused');
    const reason = `pages from ${String(headers.origin)} may not open the console: open it at /console on this server, or add that origin to CONSOLE_ORIGINS`;
    next(Object.assign(new Error(FORBIDDEN_ORIGIN), { data: { reason } }));
  });
}
