/**
 * The Azure Speech WebSocket framing, as the speech SDK speaks it.
 *
 * Text frames: `Name: value\r\n` header lines, a blank line, a JSON body.
 * Binary frames: a 2-byte big-endian header length, ASCII headers, then the payload.
 * Every service reply carries `Path` and the client's current `X-RequestId`; the SDK
 * silently drops a reply whose request id differs.
 */
export interface WireMessage {
  readonly path: string;
  readonly requestId: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Text body for text frames, payload bytes for binary frames. */
  readonly body: string | Uint8Array;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export class WireError extends Error {
  override readonly name = 'WireError';
}

function toMessage(headers: Record<string, string>, body: string | Uint8Array): WireMessage {
  const path = headers['path'];
  const requestId = headers['x-requestid'];
  if (!path) throw new WireError('frame has no Path header');
  if (!requestId) throw new WireError(`frame ${path} has no X-RequestId header`);
  return { path: path.toLowerCase(), requestId, headers, body };
}

export function parseTextFrame(text: string): WireMessage {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  return toMessage(parseHeaders(head), split < 0 ? '' : text.slice(split + 4));
}

export function parseBinaryFrame(frame: Uint8Array): WireMessage {
  if (frame.byteLength < 2) throw new WireError('binary frame shorter than its header length');
  const headerLength = (frame[0]! << 8) | frame[1]!;
  if (frame.byteLength < 2 + headerLength) throw new WireError('binary frame shorter than its headers');
  const head = Buffer.from(frame.buffer, frame.byteOffset + 2, headerLength).toString('latin1');
  return toMessage(parseHeaders(head), frame.subarray(2 + headerLength));
}

/** A service reply as a text frame. */
export function textFrame(path: string, requestId: string, body: unknown): string {
  const json = body === undefined ? '' : JSON.stringify(body);
  return (
    `Path: ${path}\r\nX-RequestId: ${requestId}\r\nX-Timestamp: ${new Date().toISOString()}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\n\r\n${json}`
  );
}
