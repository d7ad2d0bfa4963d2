import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ACCOUNT_SID, callParams, startTestHotline, until, type TestHotline } from '../../test/support/hotline.ts';
import { mediaStreamUrl } from '../telephony/urls.ts';

const CALL = `CA${'a'.repeat(32)}`;
const STREAM = `MZ${'b'.repeat(32)}`;
const start = (callSid = CALL) => ({
  event: 'start',
  sequenceNumber: '1',
  streamSid: STREAM,
  start: { streamSid: STREAM, accountSid: ACCOUNT_SID, callSid, tracks: ['inbound', 'outbound'], customParameters: { callSid }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
});
const media = (payload: string, streamSid = STREAM) => ({ event: 'media', sequenceNumber: '2', streamSid, media: { track: 'inbound', chunk: '1', timestamp: '0', payload } });

function open(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode! }));
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

async function garbageCount(t: TestHotline): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return Number(/^hotline_media_garbage_frames_total (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('Media Streams endpoint', () => {
  let t: TestHotline;
  let url: string;
  let signed: Record<string, string>;

  beforeAll(async () => {
    t = await startTestHotline({ MEDIA_MAX_FRAME_BYTES: '16384' });
    url = mediaStreamUrl(t.url);
    signed = { 'x-twilio-signature': twilio.getExpectedTwilioSignature(t.config.twilio.authToken, url, {}) };
    await t.post('/twilio/voice', callParams(CALL));
  });
  afterAll(() => t.close());

  it('refuses an upgrade without a signature, with a forged one, or with a query string', async () => {
    expect((await open(url, {})).status).toBe(403);
    expect((await open(url, { 'x-twilio-signature': 'Zm9yZ2Vk' })).status).toBe(403);
    const withQuery = `${url}?callSid=${CALL}`;
    expect((await open(withQuery, { 'x-twilio-signature': twilio.getExpectedTwilioSignature(t.config.twilio.authToken, withQuery, {}) })).status).toBe(400);
  });

  it('closes a stream for a call the server does not know with 1008', async () => {
    const { ws } = await open(url, signed);
    ws.send(JSON.stringify(start(`CA${'9'.repeat(32)}`)));
    expect(await closed(ws)).toEqual({ code: 1008, reason: 'unknown call' });
  });

  it('counts garbage frames and keeps the connection, then stops cleanly', async () => {
    const before = await garbageCount(t);
    const { ws } = await open(url, signed);
    ws.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    ws.send(JSON.stringify(start()));
    const garbage = [
      'not json at all',
      JSON.stringify({ event: 'teleport' }),
      JSON.stringify(media('***')), // not base64
      JSON.stringify(media('//8=', `MZ${'c'.repeat(32)}`)), // a streamSid this connection did not start
      JSON.stringify(media(Buffer.alloc(9000, 0xff).toString('base64'))), // over a second of audio in one frame
    ];
    for (const frame of garbage) ws.send(frame);
    ws.send(Buffer.from([1, 2, 3])); // binary: Twilio sends text
    await until(() => t.hotline.registry.get(CALL)?.stream?.garbageFrames === 6, 5000, 'garbage to be counted');
    expect(await garbageCount(t)).toBe(before + 6);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.send(JSON.stringify(media(Buffer.alloc(160, 0xff).toString('base64'))));
    const end = closed(ws);
    ws.send(JSON.stringify({ event: 'stop', sequenceNumber: '9', streamSid: STREAM, stop: { accountSid: ACCOUNT_SID, callSid: CALL } }));
    expect((await end).code).toBe(1000);
    await until(() => t.hotline.registry.get(CALL)?.stream?.stoppedAt !== undefined, 10_000, 'the stream to be released');
  });

  it('closes with 1009 on a frame over MEDIA_MAX_FRAME_BYTES', async () => {
    const { ws } = await open(url, signed);
    const end = closed(ws);
    ws.send('x'.repeat(20_000));
    expect((await end).code).toBe(1009);
  });
});
