import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMulaw } from '../media/mulaw.ts';
import { silence, syllableTone, FRAME_BYTES } from '../simulator/audio.ts';
import { silentLogger } from '../log.ts';
import { until } from '../../test/support/hotline.ts';
import { AzureRecognizerFactory, type AzureSpeechOptions } from './azure.ts';
import { startSpeechEmulator, type SpeechEmulator } from './emulator/server.ts';
import type { RecognitionResult, RecognizerError, RecognizerFactory } from './recognizer.ts';
import { SpeechWorkerPool } from './worker/pool.ts';

// The real speech SDK against the local emulator: the same path a production call takes to Azure.
const KEY = 'test-emulator-key';
const CALL = 'CA0123456789abcdef0123456789abcdef';

function frames(...parts: Uint8Array[]): Int16Array[] {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const out: Int16Array[] = [];
  for (let i = 0; i < all.length; i += FRAME_BYTES) out.push(decodeMulaw(all.subarray(i, i + FRAME_BYTES)));
  return out;
}

async function stream(write: (f: Int16Array) => void, audio: Int16Array[], pace = 0): Promise<void> {
  for (const f of audio) {
    write(f);
    if (pace) await new Promise((r) => setTimeout(r, pace));
  }
}

type Options = Omit<AzureSpeechOptions, 'logger'>;
const inMainThread = (o: Options): RecognizerFactory => new AzureRecognizerFactory({ ...o, logger: silentLogger });
const inWorkerThread = (o: Options): RecognizerFactory => new SpeechWorkerPool({ workers: 1, setup: { speech: o, logLevel: 'silent' }, logger: silentLogger });

describe.each([
  ['in the main thread', inMainThread],
  ['in a worker thread', inWorkerThread],
])('Azure recogniser on the real SDK, against the speech-service emulator, %s', (_where, make) => {
  let emulator: SpeechEmulator;
  let results: RecognitionResult[];
  let errors: RecognizerError[];
  let factory: RecognizerFactory;
  const factories: RecognizerFactory[] = [];
  const build = (o: Options) => {
    const f = make(o);
    factories.push(f);
    return f;
  };

  beforeEach(async () => {
    emulator = await startSpeechEmulator({ key: KEY });
    results = [];
    errors = [];
    factory = build({
      language: 'zh-CN',
      key: KEY,
      endpoint: emulator.wsEndpoint,
      tagStreams: true,
      replayBufferMs: 10_000,
      retry: { initialDelayMs: 50, maxDelayMs: 200 },
    });
  });
  afterEach(async () => {
    await Promise.all(factories.splice(0).map((f) => f.close?.()));
    await emulator.close();
  });

  const create = () =>
    factory.create({ callSid: CALL, track: 'inbound', speaker: 'caller' }, {
      onResult: (r) => results.push(r),
      onError: (e) => errors.push(e),
    });

  it('delivers partials that grow, then the final text, for each scripted utterance in order', async () => {
    emulator.book.add(`${CALL}:inbound`, [
      { text: '你好，我想问一下公积金。', durationMs: 1200 },
      { text: '需要带什么材料？', durationMs: 1000 },
    ]);
    const r = create();
    await stream((f) => r.write(f), frames(silence(300), syllableTone(1200), silence(900), syllableTone(1000), silence(700)));
    await r.flush();

    const finals = results.filter((x) => x.final);
    expect(finals.map((x) => x.text)).toEqual(['你好，我想问一下公积金。', '需要带什么材料？']);
    const firstPartials = results.slice(0, results.indexOf(finals[0]!));
    expect(firstPartials.length).toBeGreaterThanOrEqual(2);
    // partials grow as audio arrives and carry no punctuation, like the service's hypotheses
    expect(firstPartials.every((p, i) => i === 0 || p.text.length >= firstPartials[i - 1]!.text.length)).toBe(true);
    expect('你好我想问一下公积金'.startsWith(firstPartials[0]!.text)).toBe(true);
    // offsets are in the track's audio time: 300 ms of silence, then 1.2 s of speech
    expect(finals[0]!.offsetMs).toBeGreaterThanOrEqual(280);
    expect(finals[0]!.offsetMs).toBeLessThanOrEqual(360);
    expect(finals[1]!.offsetMs).toBeGreaterThan(2300);
    expect(results.every((x) => x.speaker === 'caller')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('flushes the last words at hang-up even with no silence after them', async () => {
    emulator.book.add(`${CALL}:inbound`, [{ text: '我的最后一句话。', durationMs: 1000 }]);
    const r = create();
    await stream((f) => r.write(f), frames(silence(200), syllableTone(1000)));
    await r.flush();
    expect(results.filter((x) => x.final).map((x) => x.text)).toEqual(['我的最后一句话。']);
  });

  it('keeps recognising after the service drops the connection mid-utterance', async () => {
    emulator.book.add(`${CALL}:inbound`, [
      { text: '第一句。', durationMs: 800 },
      { text: '第二句被打断了。', durationMs: 1200 },
      { text: '第三句。', durationMs: 800 },
    ]);
    const r = create();
    const audio = frames(silence(200), syllableTone(800), silence(800), syllableTone(1200), silence(800), syllableTone(800), silence(600));
    const dropAt = Math.round((200 + 800 + 800 + 600) / 20); // half-way through the second sentence
    await stream((f) => r.write(f), audio.slice(0, dropAt), 2);
    // Drop once the first sentence has arrived (a phrase still in flight would be lost with the socket).
    await until(() => results.some((x) => x.final));
    expect(emulator.drop(CALL)).toBeGreaterThan(0);
    await stream((f) => r.write(f), audio.slice(dropAt), 2);
    await r.flush();
    expect(results.filter((x) => x.final).map((x) => x.text)).toEqual(['第一句。', '第二句被打断了。', '第三句。']);
  });

  it('reconnects with back-off after an outage the SDK gives up on, and later words still arrive', async () => {
    emulator.book.add(`${CALL}:inbound`, [
      { text: '停电之前。', durationMs: 800 },
      { text: '恢复之后。', durationMs: 800 },
    ]);
    const r = create();
    await stream((f) => r.write(f), frames(silence(200), syllableTone(800), silence(700)), 2);
    await until(() => results.some((x) => x.final));
    emulator.refuseFor(600);
    emulator.drop(CALL);
    await stream((f) => r.write(f), frames(silence(600), syllableTone(800), silence(700)), 5);
    await r.flush();
    expect(results.filter((x) => x.final).map((x) => x.text)).toEqual(['停电之前。', '恢复之后。']);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.retryable)).toBe(true);
    expect(r.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('reports a refused key on every attempt and backs off instead of hammering the service', async () => {
    // The SDK reports a 401 on the upgrade as a generic ConnectionFailure, so the recogniser
    // cannot tell it from an outage: what matters is that it says so and spaces its attempts.
    const bad = build({ language: 'zh-CN', key: 'wrong-key', endpoint: emulator.wsEndpoint, replayBufferMs: 1000, retry: { initialDelayMs: 50, maxDelayMs: 400 } });
    const seen: RecognizerError[] = [];
    const at: number[] = [];
    const r = bad.create({ callSid: CALL, track: 'inbound', speaker: 'caller' }, { onResult: () => undefined, onError: (e) => (seen.push(e), at.push(performance.now())) });
    await stream((f) => r.write(f), frames(syllableTone(400)));
    // A loaded machine only makes attempts later, never sooner: wait for three, then judge their spacing.
    await until(() => seen.length >= 3, 10_000, 'three refused attempts');
    await r.flush(200);
    // 50, 100, 200, 400 ms apart (±20%): never two attempts back to back, at most five in the first 700 ms
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(35);
    expect(at.filter((t) => t - at[0]! <= 700).length).toBeLessThanOrEqual(5);
    expect(seen.every((e) => e.code === 'ConnectionFailure' || e.code === 'RuntimeError')).toBe(true);
    expect(emulator.openConnections).toBe(0);
  });
});
