/**
 * The wallboard's sound for an emergency or a threat: a short beep made with Web Audio, no
 * file. Browsers only let a page play sound after the user interacted with it, so the
 * supervisor switches the sound on with a click (which creates and resumes the
 * AudioContext inside that gesture); until then the alarm is shown, not heard.
 */
export class Alarm {
  private context: AudioContext | null = null;
  /** How many beeps were played (the browser test reads it from the page). */
  played = 0;

  get enabled(): boolean {
    return this.context !== null && this.context.state === 'running';
  }

  /** Call from a click handler. Resolves true when the sound is on. */
  async enable(): Promise<boolean> {
    const Context = globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Context) return false;
    this.context ??= new Context();
    if (this.context.state !== 'running') await this.context.resume().catch(() => undefined);
    if (this.enabled) this.beep(1, 660);
    return this.enabled;
  }

  disable(): void {
    void this.context?.close().catch(() => undefined);
    this.context = null;
  }

  /** `times` short beeps; nothing when the sound is off. */
  beep(times = 3, hz = 880): void {
    const ctx = this.context;
    if (!ctx || ctx.state !== 'running') return;
    this.played++;
    const start = ctx.currentTime + 0.02;
    for (let i = 0; i < times; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = hz;
      const at = start + i * 0.3;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.22);
    }
  }
}

/** The critical calls that were not critical before: each one rings once. */
export function newlyCritical(before: ReadonlySet<string>, now: ReadonlySet<string>): string[] {
  return [...now].filter((sid) => !before.has(sid));
}
