import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the twilio library sent to the stand-in, as Twilio's API would receive it. */
export interface TwilioApiRequest {
  readonly method: string;
  readonly url: string;
  readonly auth: string;
  readonly body: URLSearchParams;
}

/**
 * A local HTTP server standing in for Twilio's REST API (point the server at it with
 * TWILIO_API_BASE_URL): it records every request and answers a call update as Twilio does,
 * or with the error status set in `failWith`, after `delayMs`. `afterUpdate` runs after each successful
 * answer, to do what Twilio would do next (post the status callback of a call it hung up).
 *
 * @example
 *   const api = await startTwilioApi();
 *   const t = await startTestHotline({ TWILIO_API_BASE_URL: api.url });
 *   api.failWith = 503;   // the next updates fail
 */
export async function startTwilioApi(options: { afterUpdate?: (callSid: string, body: URLSearchParams) => void } = {}) {
  const requests: TwilioApiRequest[] = [];
  const state = { failWith: null as number | null, delayMs: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => setTimeout(() => {
      const params = new URLSearchParams(body);
      requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization ?? '', body: params });
      const sid = req.url!.match(/Calls\/(CA\w+)\.json/)?.[1];
      const status = state.failWith ?? (sid ? 200 : 404);
      res.writeHead(status, { 'content-type': 'application/json' });
      if (status !== 200) return res.end(JSON.stringify({ code: status === 404 ? 20404 : 20500, message: 'stand-in refused', more_info: 'https://www.twilio.com/docs/errors', status }));
      res.end(JSON.stringify({ sid, status: params.get('Status') ?? 'in-progress' }));
      options.afterUpdate?.(sid!, params);
    }, state.delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    get failWith() {
      return state.failWith;
    },
    set failWith(status: number | null) {
      state.failWith = status;
    },
    /** How long the stand-in takes to answer, as a slow Twilio would. */
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
