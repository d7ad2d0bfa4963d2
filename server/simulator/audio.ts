import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeMulaw, encodeMulaw, MULAW_SILENCE } from '../media/mulaw.ts';

/**
 * Telephone audio for simulated callers: 8 kHz mu-law, as Twilio carries it.
 *
 * Speech is real Mandarin from espeak-ng (voice `cmn`), resampled by sox. Where either
 * tool is missing, a syllable-like tone of the same expected length stands in, padded
 * with silence, so the rest of the path still runs. Results are cached on disk by text.
 */
export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_BYTES = (SAMPLE_RATE * FRAME_MS) / 1000;
/** espeak-ng's Mandarin at this rate sounds like a brisk caller: about 250 ms a character. */
const ESPEAK_WORDS_PER_MINUTE = 240;
const TONE_MS_PER_CHARACTER = 230;
const VOICED_RMS = 330;

export interface SpokenAudio {
  readonly mulaw: Uint8Array;
  /** The audio as Media Streams payloads: base64 of each 20 ms frame, the last padded with silence. */
  readonly frames: readonly string[];
  /** From the first to the last voiced frame: what the speech service will hear as the utterance. */
  readonly voicedMs: number;
  readonly source: 'espeak-ng' | 'tone';
}

let toolsPresent: boolean | undefined;
/** True when espeak-ng and sox can both run here. */
export function speechToolsPresent(): boolean {
  toolsPresent ??= ['espeak-ng', 'sox'].every((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0);
  return toolsPresent;
}

export function silence(ms: number): Uint8Array {
  return new Uint8Array(Math.round((SAMPLE_RATE * ms) / 1000)).fill(MULAW_SILENCE);
}

/** A stand-in for speech: a 220 Hz tone whose loudness rises and falls four times a second, like syllables. */
export function syllableTone(ms: number): Uint8Array {
  const n = Math.round((SAMPLE_RATE * ms) / 1000);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE;
    const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
    pcm[i] = Math.round(9000 * envelope * Math.sin(2 * Math.PI * 220 * t));
  }
  return encodeMulaw(pcm);
}

/** Splits audio into base64 Media Streams payloads of 20 ms each. */
export function framesOf(mulaw: Uint8Array): string[] {
  const frames: string[] = [];
  for (let at = 0; at < mulaw.length; at += FRAME_BYTES) {
    const frame = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE);
    frame.set(mulaw.subarray(at, at + FRAME_BYTES));
    frames.push(frame.toString('base64'));
  }
  return frames;
}

/** Measures the span between the first and last voiced 20 ms frame. */
export function voicedSpanMs(mulaw: Uint8Array): number {
  const pcm = decodeMulaw(mulaw);
  let first = -1;
  let last = -1;
  for (let f = 0; f * FRAME_BYTES < pcm.length; f++) {
    const frame = pcm.subarray(f * FRAME_BYTES, (f + 1) * FRAME_BYTES);
    let sum = 0;
    for (const s of frame) sum += s * s;
    if (Math.sqrt(sum / frame.length) >= VOICED_RMS) {
      if (first < 0) first = f;
      last = f;
    }
  }
  return first < 0 ? 0 : (last - first + 1) * FRAME_MS;
}

export class SpeechSynthesizer {
  private readonly memory = new Map<string, Promise<SpokenAudio>>();

  constructor(private readonly cacheDir = path.join(os.tmpdir(), 'hotline-desk-tts')) {}

  speak(text: string): Promise<SpokenAudio> {
    let audio = this.memory.get(text);
    if (!audio) {
      audio = this.produce(text);
      this.memory.set(text, audio);
      audio.catch(() => this.memory.delete(text));
    }
    return audio;
  }

  private async produce(text: string): Promise<SpokenAudio> {
    if (!speechToolsPresent()) {
      const mulaw = syllableTone([...text].length * TONE_MS_PER_CHARACTER);
      return { mulaw, frames: framesOf(mulaw), voicedMs: voicedSpanMs(mulaw), source: 'tone' };
    }
    const key = createHash('sha256').update(`${ESPEAK_WORDS_PER_MINUTE}\n${text}`).digest('hex').slice(0, 32);
    const file = path.join(this.cacheDir, `${key}.ulaw`);
    let mulaw: Uint8Array;
    try {
      mulaw = new Uint8Array(await readFile(file));
    } catch {
      mulaw = await espeakToMulaw(text);
      await mkdir(this.cacheDir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, mulaw);
      await rename(temp, file);
    }
    return { mulaw, frames: framesOf(mulaw), voicedMs: voicedSpanMs(mulaw), source: 'espeak-ng' };
  }
}

/** espeak-ng (WAV on stdout) piped into sox (raw 8 kHz mu-law on stdout). */
function espeakToMulaw(text: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const espeak = spawn('espeak-ng', ['-v', 'cmn', '-s', String(ESPEAK_WORDS_PER_MINUTE), '--stdout', text], { stdio: ['ignore', 'pipe', 'ignore'] });
    const sox = spawn('sox', ['-t', 'wav', '-', '-t', 'raw', '-r', '8000', '-e', 'mu-law', '-b', '8', '-c', '1', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    espeak.stdout.pipe(sox.stdin);
    const chunks: Buffer[] = [];
    let stderr = '';
    sox.stdout.on('data', (c: Buffer) => chunks.push(c));
    sox.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    espeak.on('error', reject);
    sox.on('error', reject);
    sox.on('close', (code) => {
      if (code === 0 && chunks.length) resolve(new Uint8Array(Buffer.concat(chunks)));
      else reject(new Error(`sox exited ${code}: ${stderr.trim().slice(0, 200)}`));
    });
  });
}
