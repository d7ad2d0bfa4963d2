import { z } from 'zod';

/**
 * Twilio Media Streams messages, parsed at the edge into a discriminated union.
 * Twilio sends numbers (sequenceNumber, chunk, timestamp) as strings; they are
 * coerced here so the rest of the server never sees the wire quirks.
 *
 * @example
 *   const r = parseStreamMessage(frame.toString());
 *   if (r.ok && r.message.event === 'media') feed(r.message.media.track, r.message.media.payload); // payload: decoded bytes
 */
const seq = z.coerce.number().int().nonnegative();
const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-zA-Z]{1,64}$`), `expected a ${prefix}… id`);
export const trackSchema = z.enum(['inbound', 'outbound']);
export type Track = z.infer<typeof trackSchema>;

const connected = z.object({ event: z.literal('connected'), protocol: z.string(), version: z.string().optional() });

const start = z.object({
  event: z.literal('start'),
  sequenceNumber: seq,
  streamSid: sid('MZ'),
  start: z.object({
    streamSid: sid('MZ'),
    accountSid: sid('AC'),
    callSid: sid('CA'),
    tracks: z.array(trackSchema).min(1),
    customParameters: z.record(z.string(), z.string()).default({}),
    mediaFormat: z.object({
      encoding: z.literal('audio/x-mulaw'),
      sampleRate: z.coerce.number().pipe(z.literal(8000)),
      channels: z.coerce.number().pipe(z.literal(1)),
    }),
  }),
});

/** Length in bytes that a well-formed base64 string decodes to. */
function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/**
 * The audio, decoded here once. Node's decoder skips characters outside the alphabet,
 * so a payload that is not base64 decodes short and is caught by its length.
 */
const payload = z
  .string()
  .max(1 << 20)
  .transform((text, ctx) => {
    const bytes = Buffer.from(text, 'base64');
    if (text.length % 4 !== 0 || bytes.length !== base64Bytes(text)) {
      ctx.addIssue({ code: 'custom', message: 'expected base64' });
      return z.NEVER;
    }
    return bytes;
  });

// Fifty of these a second per track: the fields we do not use are only checked to be
// strings, and the streamSid is checked by identity against the connection's `start`.
const media = z.object({
  event: z.literal('media'),
  sequenceNumber: z.string().max(20).optional(),
  streamSid: z.string().max(80),
  media: z.object({ track: trackSchema, chunk: z.string().max(20).optional(), timestamp: seq, payload }),
});

const mark = z.object({
  event: z.literal('mark'),
  sequenceNumber: seq,
  streamSid: sid('MZ'),
  mark: z.object({ name: z.string() }),
});

const dtmf = z.object({
  event: z.literal('dtmf'),
  sequenceNumber: seq,
  streamSid: sid('MZ'),
  dtmf: z.object({ track: z.string(), digit: z.string().regex(/^[0-9*#A-D]$/) }),
});

const stop = z.object({
  event: z.literal('stop'),
  sequenceNumber: seq,
  streamSid: sid('MZ'),
  stop: z.object({ accountSid: sid('AC'), callSid: sid('CA') }),
});

export const streamMessageSchema = z.discriminatedUnion('event', [connected, start, media, mark, dtmf, stop]);
export type StreamMessage = z.infer<typeof streamMessageSchema>;
export type StartMessage = z.infer<typeof start>;

export type ParseResult = { ok: true; message: StreamMessage } | { ok: false; reason: string };

/** Parses one text frame. Never throws: garbage becomes `{ok:false, reason}` for the caller to count. */
export function parseStreamMessage(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = streamMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, reason: `${issue.path.join('.') || 'message'}: ${issue.message}` };
}
