import { describe, expect, it } from 'vitest';
import { newlyCritical } from './alarm.ts';
import { formatDuration } from './clock.ts';

describe('wallboard helpers', () => {
  it('shows durations as mm:ss, with hours when a call runs that long, never negative', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(65_400)).toBe('01:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(-2000)).toBe('00:00'); // a clock a little behind the server's
  });

  it('rings once per call that becomes critical, not again while it stays so', () => {
    expect(newlyCritical(new Set(), new Set(['CA1']))).toEqual(['CA1']);
    expect(newlyCritical(new Set(['CA1']), new Set(['CA1']))).toEqual([]);
    expect(newlyCritical(new Set(['CA1']), new Set(['CA1', 'CA2']))).toEqual(['CA2']);
    expect(newlyCritical(new Set(['CA1', 'CA2']), new Set())).toEqual([]);
  });
});
