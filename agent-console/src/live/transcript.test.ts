import { describe, expect, it } from 'vitest';
import { clock, mergeFinals, type FinalLine } from './transcript.ts';

const line = (speaker: FinalLine['speaker'], offsetMs: number, text = `${speaker}@${offsetMs}`): FinalLine => ({ speaker, text, offsetMs, durationMs: 800 });

describe('mergeFinals', () => {
  it('appends a later line on the live path', () => {
    const merged = mergeFinals([line('caller', 0)], [line('operator', 1200)]);
    expect(merged).toEqual([line('caller', 0), line('operator', 1200)]);
  });

  it('keeps one line per (speaker, offsetMs) when the same line comes twice (replay after a drop)', () => {
    const current = [line('caller', 0), line('operator', 1200)];
    expect(mergeFinals(current, [line('operator', 1200)])).toBe(current);
    expect(mergeFinals(current, [line('caller', 0), line('operator', 1200)])).toBe(current);
  });

  it('merges a fetched transcript with lines that arrived live meanwhile, in offset order, each once', () => {
    const live = [line('caller', 5000), line('operator', 7000)];
    const fetched = [line('caller', 0), line('operator', 2500), line('caller', 5000)];
    expect(mergeFinals(live, fetched)).toEqual([line('caller', 0), line('operator', 2500), line('caller', 5000), line('operator', 7000)]);
  });

  it('keeps both speakers at the same offset apart, and a line seen again with new words takes them', () => {
    const both = mergeFinals([line('caller', 1000)], [line('operator', 1000)]);
    expect(both).toHaveLength(2);
    expect(mergeFinals(both, [line('caller', 1000, '改过的字')]).find((l) => l.speaker === 'caller')?.text).toBe('改过的字');
  });

  it('drops what a line does not need to keep (the CallSid and time of an event)', () => {
    const event = { ...line('caller', 0), callSid: 'CA1', final: true, at: '2026-01-01T00:00:00Z' };
    expect(Object.keys(mergeFinals([], [event])[0]!).sort()).toEqual(['durationMs', 'offsetMs', 'speaker', 'text']);
  });

  it('inserts an out-of-order line in its place', () => {
    expect(mergeFinals([line('caller', 0), line('caller', 4000)], [line('operator', 2000)]).map((l) => l.offsetMs)).toEqual([0, 2000, 4000]);
  });
});

describe('clock', () => {
  it('shows minutes and seconds into the call', () => {
    expect(clock(0)).toBe('00:00');
    expect(clock(61_500)).toBe('01:01');
    expect(clock(30 * 60_000)).toBe('30:00');
    expect(clock(-5)).toBe('00:00');
  });
});
