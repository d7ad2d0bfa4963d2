import { describe, expect, it } from 'vitest';
import { nextSelection, type Listed } from './selection.ts';

const live = (callSid: string): Listed => ({ callSid, state: 'queued' });
const ended = (callSid: string): Listed => ({ callSid, state: 'ended' });

describe('which call the desk shows', () => {
  it('shows the first live call when none is chosen (a reload restores the call in hand)', () => {
    expect(nextSelection(null, [ended('A'), live('B')], new Set())).toBe('B');
    expect(nextSelection(null, [ended('A')], new Set())).toBe('A');
    expect(nextSelection(null, [], new Set())).toBeNull();
  });

  it("keeps the operator's choice while the call is listed, even once another arrives", () => {
    expect(nextSelection('A', [live('A'), live('B')], new Set(['A']))).toBe('A');
  });

  it('moves to a newly arrived call once the chosen one has ended', () => {
    expect(nextSelection('A', [ended('A'), live('B')], new Set(['A']))).toBe('B');
    expect(nextSelection('A', [ended('A'), live('B')], new Set(['A', 'B']))).toBe('A');
  });

  it('picks another when the chosen call left the list', () => {
    expect(nextSelection('gone', [live('B')], new Set(['B']))).toBe('B');
  });
});
