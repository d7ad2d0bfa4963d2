/**
 * What each stream's speaker will say, as told by the simulator: the emulator cannot
 * understand audio, so it hands out these texts, in order, to the segments it hears.
 *
 * Streams are keyed by `${callSid}:${track}` (the recogniser passes that key in its
 * connection URL in emulator mode). An utterance is claimed when its segment starts and
 * only consumed when its phrase is sent: if the connection drops first, the SDK replays
 * the audio on a new connection and the same utterance is claimed again.
 *
 * Limit of a device that cannot hear: a phrase sent in the instant the connection drops
 * is lost with it, and the SDK's replay of that audio then takes the next utterance. The
 * real service would simply recognise the replayed audio again.
 */
export interface Utterance {
  readonly text: string;
  /** Length of the utterance's audio, when the simulator knows it; guards against splitting it at a pause. */
  readonly durationMs?: number;
}

export class ScriptBook {
  private readonly queues = new Map<string, Utterance[]>();
  private readonly claimed = new Map<string, Utterance>();

  constructor(private readonly maxStreams = 100_000) {}

  add(stream: string, utterances: readonly Utterance[]): void {
    if (!this.queues.has(stream) && this.queues.size >= this.maxStreams) {
      // Oldest first: Map keeps insertion order.
      const oldest = this.queues.keys().next().value!;
      this.queues.delete(oldest);
      this.claimed.delete(oldest);
    }
    const queue = this.queues.get(stream) ?? [];
    queue.push(...utterances);
    this.queues.set(stream, queue);
  }

  /** The utterance a segment that just started on `stream` will be; null when nothing is scripted. */
  claim(stream: string): Utterance | null {
    const held = this.claimed.get(stream);
    if (held) return held;
    const next = this.queues.get(stream)?.shift();
    if (!next) return null;
    this.claimed.set(stream, next);
    return next;
  }

  /** The claimed utterance was delivered as a final phrase. */
  consume(stream: string): void {
    this.claimed.delete(stream);
  }

  /** Drops what is left for a stream (the call is over). */
  forget(stream: string): void {
    this.queues.delete(stream);
    this.claimed.delete(stream);
  }

  pending(stream: string): number {
    return (this.queues.get(stream)?.length ?? 0) + (this.claimed.has(stream) ? 1 : 0);
  }
}
