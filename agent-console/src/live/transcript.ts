import type { Speaker } from '../../../server/speech/recognizer.ts';

/**
 * A call's final transcript on the page: lines in order of their offset into the call,
 * each (speaker, offsetMs) once. Lines reach the page three ways — live events, the
 * packets socket.io replays after a short drop, and `call:get` after a reload or a long
 * drop — and any two of them may overlap, so every addition goes through `mergeFinals`.
 */
export interface FinalLine {
  readonly speaker: Speaker;
  readonly text: string;
  readonly offsetMs: number;
  readonly durationMs: number;
}

export const lineKey = (line: Pick<FinalLine, 'speaker' | 'offsetMs'>): string => `${line.speaker}:${line.offsetMs}`;

const byOffset = (a: FinalLine, b: FinalLine) => a.offsetMs - b.offsetMs || (a.speaker < b.speaker ? -1 : a.speaker > b.speaker ? 1 : 0);

const sameLine = (a: FinalLine, b: FinalLine) => a.text === b.text && a.durationMs === b.durationMs;

/**
 * `current` with `incoming` merged in: sorted by offset, one line per (speaker, offsetMs),
 * a line seen again keeping its newest text. Returns `current` itself when nothing
 * changes, so a view can skip re-rendering.
 *
 * @example
 *   mergeFinals([{ speaker: 'caller', text: '你好', offsetMs: 0, durationMs: 900 }],
 *               [{ speaker: 'caller', text: '你好', offsetMs: 0, durationMs: 900 }]); // the same array
 */
export function mergeFinals(current: readonly FinalLine[], incoming: readonly FinalLine[]): readonly FinalLine[] {
  if (incoming.length === 0) return current;
  // The live path: one line, later than everything so far.
  const last = current[current.length - 1];
  if (incoming.length === 1 && (!last || byOffset(last, incoming[0]!) < 0)) return [...current, pick(incoming[0]!)];

  const byKey = new Map<string, FinalLine>();
  for (const line of current) byKey.set(lineKey(line), line);
  let changed = false;
  for (const line of incoming) {
    const key = lineKey(line);
    const seen = byKey.get(key);
    if (seen && sameLine(seen, line)) continue;
    byKey.set(key, pick(line));
    changed = true;
  }
  return changed ? [...byKey.values()].sort(byOffset) : current;
}

/** Only the transcript's own fields: events carry the CallSid, entries the time, neither is kept per line. */
function pick(line: FinalLine): FinalLine {
  return { speaker: line.speaker, text: line.text, offsetMs: line.offsetMs, durationMs: line.durationMs };
}

/** "mm:ss" into the call, for a line's time stamp. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
