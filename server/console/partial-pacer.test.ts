import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PartialPacer } from './partial-pacer.ts';

interface Line {
  callSid: string;
  speaker: string;
  text: string;
}

const line = (text: string, speaker = 'caller', callSid = 'CA1'): Line => ({ callSid, speaker, text });

describe('PartialPacer', () => {
  let sent: Line[];
  let pacer: PartialPacer<Line>;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    pacer = new PartialPacer<Line>(150, (l) => sent.push(l));
  });
  afterEach(() => vi.useRealTimers());

  it('sends the first partial of a burst at once and only the newest of the rest after the interval', () => {
    // GIVEN a recogniser that catches up: five partials in the same instant
    for (const text of ['我', '我想', '我想问', '我想问一', '我想问一下']) pacer.partial(line(text));
    // THEN the first is out now, nothing else yet
    expect(sent.map((l) => l.text)).toEqual(['我']);
    // WHEN the interval passes, THEN the newest goes, once
    vi.advanceTimersByTime(150);
    expect(sent.map((l) => l.text)).toEqual(['我', '我想问一下']);
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });

  it('sends the next partial at once after a quiet interval', () => {
    pacer.partial(line('租房'));
    vi.advanceTimersByTime(400);
    pacer.partial(line('租房提取'));
    expect(sent.map((l) => l.text)).toEqual(['租房', '租房提取']);
  });

  it('drops a waiting partial when the final settles the sentence', () => {
    pacer.partial(line('公积'));
    pacer.partial(line('公积金'));
    pacer.final(line('公积金怎么取。'));
    vi.advanceTimersByTime(1000);
    expect(sent.map((l) => l.text)).toEqual(['公积']);
    // The next sentence starts a new burst and goes out at once.
    pacer.partial(line('还有'));
    expect(sent.map((l) => l.text)).toEqual(['公积', '还有']);
  });

  it('paces each call and speaker on its own, and sends nothing for a call that ended', () => {
    pacer.partial(line('a1', 'caller', 'CA1'));
    pacer.partial(line('b1', 'operator', 'CA1'));
    pacer.partial(line('c1', 'caller', 'CA2'));
    expect(sent.map((l) => l.text)).toEqual(['a1', 'b1', 'c1']);
    pacer.partial(line('a2', 'caller', 'CA1'));
    pacer.partial(line('c2', 'caller', 'CA2'));
    pacer.ended('CA1');
    vi.advanceTimersByTime(150);
    expect(sent.map((l) => l.text)).toEqual(['a1', 'b1', 'c1', 'c2']);
  });
});
