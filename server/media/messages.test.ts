import { describe, expect, it } from 'vitest';
import { parseStreamMessage } from './messages.ts';

// Frames shaped exactly as Twilio sends them: numbers as strings.
const START = {
  event: 'start',
  sequenceNumber: '1',
  streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
  start: {
    streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
    accountSid: 'AC00000000000000000000000000000000',
    callSid: 'CA11111111111111111111111111111111',
    tracks: ['inbound', 'outbound'],
    customParameters: { callSid: 'CA11111111111111111111111111111111' },
    mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  },
};

describe('Twilio stream messages', () => {
  it('parses connected, start, media, mark, dtmf and stop into typed messages', () => {
    const frames = [
      { event: 'connected', protocol: 'Call', version: '1.0.0' },
      START,
      { event: 'media', sequenceNumber: '3', streamSid: START.streamSid, media: { track: 'outbound', chunk: '1', timestamp: '5', payload: '//8=' } },
      { event: 'mark', sequenceNumber: '4', streamSid: START.streamSid, mark: { name: 'greeting' } },
      { event: 'dtmf', sequenceNumber: '5', streamSid: START.streamSid, dtmf: { track: 'inbound_track', digit: '1' } },
      { event: 'stop', sequenceNumber: '6', streamSid: START.streamSid, stop: { accountSid: START.start.accountSid, callSid: START.start.callSid } },
    ];
    const events = frames.map((f) => {
      const r = parseStreamMessage(JSON.stringify(f));
      if (!r.ok) throw new Error(r.reason);
      return r.message;
    });
    expect(events.map((e) => e.event)).toEqual(['connected', 'start', 'media', 'mark', 'dtmf', 'stop']);
    const media = events[2]!;
    if (media.event !== 'media') throw new Error('unreachable');
    // numbers that arrive as strings are numbers after parsing, and the audio is decoded
    expect(media.media.timestamp).toBe(5);
    expect([...media.media.payload]).toEqual([0xff, 0xff]);
    const start = events[1]!;
    if (start.event !== 'start') throw new Error('unreachable');
    expect(start.start.tracks).toEqual(['inbound', 'outbound']);
  });

  it('turns garbage into a reason instead of throwing', () => {
    expect(parseStreamMessage('not json{')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseStreamMessage('{"event":"teleport"}')).toMatchObject({ ok: false });
    expect(parseStreamMessage('[]')).toMatchObject({ ok: false });
    expect(parseStreamMessage('null')).toMatchObject({ ok: false });
  });

  it('names the wrong field', () => {
    const bad = { ...START, start: { ...START.start, mediaFormat: { encoding: 'audio/l16', sampleRate: 16000, channels: 1 } } };
    const r = parseStreamMessage(JSON.stringify(bad));
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(r.reason).toContain('start.mediaFormat');
  });

  it('refuses a media payload that is not base64 and an unknown track', () => {
    const base = { event: 'media', sequenceNumber: '3', streamSid: START.streamSid };
    expect(parseStreamMessage(JSON.stringify({ ...base, media: { track: 'inbound', chunk: '1', timestamp: '0', payload: '<script>' } }))).toMatchObject({ ok: false });
    expect(parseStreamMessage(JSON.stringify({ ...base, media: { track: 'inbound', chunk: '1', timestamp: '0', payload: '//8' } }))).toMatchObject({ ok: false });
    expect(parseStreamMessage(JSON.stringify({ ...base, media: { track: 'inbound', chunk: '1', timestamp: '0', payload: '/ /8' } }))).toMatchObject({ ok: false });
    expect(parseStreamMessage(JSON.stringify({ ...base, media: { track: 'both', chunk: '1', timestamp: '0', payload: '' } }))).toMatchObject({ ok: false });
  });
});
