import { describe, expect, it } from 'vitest';
import { decodeMulaw, encodeMulaw, encodeMulawSample, MULAW_SILENCE } from './mulaw.ts';

describe('mu-law codec', () => {
  it('decodes the G.711 reference points', () => {
    // ITU-T G.711 table: 0xFF and 0x7F are the two zeros, 0x00 / 0x80 the extremes.
    expect(Array.from(decodeMulaw(Uint8Array.from([0xff, 0x7f, 0x00, 0x80, 0xf0, 0x70])))).toEqual([
      0, 0, -32124, 32124, 120, -120,
    ]);
  });

  it('encodes silence as 0xFF', () => {
    expect(encodeMulawSample(0)).toBe(MULAW_SILENCE);
  });

  it('round-trips every code word exactly', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const decoded = decodeMulaw(all);
    const reencoded = encodeMulaw(decoded);
    // 0x7F (negative zero) re-encodes as 0xFF (positive zero); every other word is exact.
    for (let i = 0; i < 256; i++) expect(reencoded[i]).toBe(i === 0x7f ? 0xff : i);
  });

  it('keeps the quantisation error of a sine under 3% of each sample', () => {
    const samples = Int16Array.from({ length: 800 }, (_, i) => Math.round(12000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    const back = decodeMulaw(encodeMulaw(samples));
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      expect(Math.abs(back[i]! - s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) * 0.03));
    }
  });

  it('clips beyond the 14-bit range instead of wrapping', () => {
    expect(decodeMulaw(Uint8Array.of(encodeMulawSample(40000)))[0]).toBe(32124);
    expect(decodeMulaw(Uint8Array.of(encodeMulawSample(-40000)))[0]).toBe(-32124);
  });
});
