import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../test/support/hotline.ts';
import { silentLogger } from '../../log.ts';
import { decodeMulaw } from '../../media/mulaw.ts';
import { FRAME_BYTES, silence, syllableTone } from '../../simulator/audio.ts';
import { startSpeechEmulator, type SpeechEmulator } from '../emulator/server.ts';
import type { RecognitionResult, RecognizerError } from '../recognizer.ts';
import { SpeechWorkerPool } from './pool.ts';

const KEY = 'pool-test-key';
const CALL = `CA${'7'.repeat(32)}`;

function write(target: { write(pcm: Int16Array): void }, audio: Uint8Array): void {
  for (let i = 0; i < audio.length; i += FRAME_BYTES) target.write(decodeMulaw(audio.subarray(i, i + FRAME_BYTES)));
}

describe('speech worker pool', () => {
  let emulator: SpeechEmulator;
  let pool: SpeechWorkerPool;
  beforeEach(async () => {
    emulator = await startSpeechEmulator({ key: KEY });
    pool = new SpeechWorkerPool({
      workers: 1,
      setup: { speech: { language: 'zh-CN', key: KEY, endpoint: emulator.wsEndpoint, tagStreams: true, replayBufferMs: 10_000 }, logLevel: 'silent' },
      logger: silentLogger,
      respawnDelayMs: 50,
    });
  });
  afterEach(async () => {
    await pool.close();
    await emulator.close();
  });

  it('replaces a worker thread that dies mid-call, and later words still arrive', async () => {
    emulator.book.add(`${CALL}:inbound`, [
      { text: '线程停止之前。', durationMs: 800 },
      { text: '线程恢复之后。', durationMs: 800 },
    ]);
    const results: RecognitionResult[] = [];
    const errors: RecognizerError[] = [];
    const r = pool.create({ callSid: CALL, track: 'inbound', speaker: 'caller' }, { onResult: (x) => results.push(x), onError: (e) => errors.push(e) });
    write(r, new Uint8Array([...silence(200), ...syllableTone(800), ...silence(700)]));
    await until(() => results.some((x) => x.final));

    // The thread dies (an out-of-memory, a native crash): terminate it from outside.
    const hosts = (pool as unknown as { hosts: { worker: Worker }[] }).hosts;
    await hosts[0]!.worker.terminate();
    await until(() => errors.some((e) => e.code === 'WorkerExit'));
    await new Promise((res) => setTimeout(res, 300)); // the replacement starts

    write(r, new Uint8Array([...silence(300), ...syllableTone(800), ...silence(700)]));
    await r.flush();
    expect(results.filter((x) => x.final).map((x) => x.text)).toEqual(['线程停止之前。', '线程恢复之后。']);
    expect(errors.every((e) => e.retryable)).toBe(true);
  });
});
