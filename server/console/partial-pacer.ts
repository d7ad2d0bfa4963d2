/**
 * Paces partial transcripts to the console: per call and speaker, the first partial of a
 * burst goes out at once, later ones at most every `intervalMs`, and only the newest of
 * them (a partial is superseded by the next one, and by the final).
 *
 * Why not socket.io's `volatile`: a volatile packet is dropped whenever the transport is
 * busy, which in a burst (a recogniser catching up, a loaded server) drops every partial
 * of a sentence. Pacing bounds the rate the same way and still delivers the newest words.
 *
 * @example
 *   const pacer = new PartialPacer(150, (line) => nsp.emit('transcript:partial', line));
 *   pacer.partial(line);   // emitted now, or the newest one when the interval is up
 *   pacer.final(line);     // a pending partial of that speaker is dropped
 */
export interface PacedLine {
  readonly callSid: string;
  readonly speaker: string;
}

interface Lane<T> {
  pending: T | null;
  timer: NodeJS.Timeout | null;
}

export class PartialPacer<T extends PacedLine> {
  private readonly lanes = new Map<string, Lane<T>>();

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (line: T) => void,
  ) {}

  partial(line: T): void {
    const key = `${line.callSid}|${line.speaker}`;
    const lane = this.lanes.get(key);
    if (lane) {
      lane.pending = line;
      return;
    }
    this.emit(line);
    this.open(key);
  }

  /** The sentence is settled: whatever partial was waiting is stale. */
  final(line: PacedLine): void {
    this.close(`${line.callSid}|${line.speaker}`);
  }

  /** The call is over: nothing more goes out for it. */
  ended(callSid: string): void {
    for (const key of [...this.lanes.keys()]) if (key.startsWith(`${callSid}|`)) this.close(key);
  }

  private open(key: string): void {
    const lane: Lane<T> = { pending: null, timer: null };
    lane.timer = setTimeout(() => {
      this.lanes.delete(key);
      if (lane.pending) this.partial(lane.pending);
    }, this.intervalMs);
    lane.timer.unref();
    this.lanes.set(key, lane);
  }

  private close(key: string): void {
    const lane = this.lanes.get(key);
    if (!lane) return;
    if (lane.timer) clearTimeout(lane.timer);
    this.lanes.delete(key);
  }
}
