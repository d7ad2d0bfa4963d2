import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { CHUNK_SAMPLES, PcmBatcher } from '../pcm-batcher.ts';
import {
  RecognizerError,
  type Recognizer,
  type RecognizerFactory,
  type RecognizerHandlers,
  type RecognizerRequest,
  type RecognizerStats,
  type Speaker,
} from '../recognizer.ts';
import type { FromWorker, ToWorker, ToWorkerBatch, WorkerSetup } from './protocol.ts';

/**
 * Runs recognisers in worker threads. Profiling showed the speech SDK and its sockets
 * take about half the main thread's time on a busy server; here they use the other
 * cores, and the main thread keeps to the media socket and the console.
 *
 * Audio crosses in 100 ms chunks whose buffers are transferred, not copied. A worker
 * that dies is replaced and its recognisers are recreated on the new one (the audio of
 * the moment is lost; the handlers hear a retryable error).
 *
 * @example
 *   const pool = new SpeechWorkerPool({ workers: 2, setup, logger });
 *   const r = pool.create(request, handlers); // same interface as any RecognizerFactory
 */
export interface PoolOptions {
  readonly workers: number;
  readonly setup: WorkerSetup;
  readonly logger: Logger;
  /** Recreates a dead worker after this long. */
  readonly respawnDelayMs?: number;
}

const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

class WorkerHost {
  worker: Worker;
  readonly recognizers = new Map<number, WorkerRecognizer>();
  private outbox: ToWorker[] = [];
  private transfers: ArrayBuffer[] = [];
  private startedAt = 0;
  private respawnDelayMs: number;

  constructor(private readonly pool: SpeechWorkerPool) {
    this.respawnDelayMs = pool.options.respawnDelayMs ?? 100;
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    this.startedAt = Date.now();
    const worker = new Worker(new URL('./bootstrap.mjs', import.meta.url), { workerData: this.pool.options.setup });
    worker.on('message', (batch: readonly FromWorker[]) => {
      for (const message of batch) this.receive(message);
    });
    worker.on('error', (error) => this.pool.options.logger.error({ err: error }, 'speech worker failed'));
    worker.on('exit', (code) => this.exited(code));
    worker.unref();
    return worker;
  }

  /**
   * Queues a message; everything queued in one turn of the event loop crosses as one
   * batch (a busy server handles many frames per turn, and each postMessage has a cost).
   */
  post(message: ToWorker, transfer?: ArrayBuffer): void {
    this.outbox.push(message);
    if (transfer) this.transfers.push(transfer);
    if (this.outbox.length === 1) setImmediate(() => this.flushOutbox());
  }

  private flushOutbox(): void {
    const batch: ToWorkerBatch = this.outbox;
    const transfers = this.transfers;
    this.outbox = [];
    this.transfers = [];
    this.worker.postMessage(batch, transfers);
  }

  private receive(message: FromWorker): void {
    if (message.type === 'log') return this.log(message.line);
    this.recognizers.get(message.id)?.receive(message);
  }

  private log(line: string): void {
    try {
      const { level, msg, ...fields } = JSON.parse(line) as { level: number; msg?: string; time?: number };
      delete fields.time;
      this.pool.options.logger[LEVELS[level] ?? 'info'](fields, msg);
    } catch {
      this.pool.options.logger.warn({ line }, 'unreadable log line from a speech worker');
    }
  }

  private exited(code: number): void {
    if (this.pool.closing) return;
    this.pool.options.logger.error({ code, recognizers: this.recognizers.size }, 'speech worker exited; starting another');
    for (const r of this.recognizers.values()) r.workerLost();
    // A worker that dies at once will die again: back off rather than spin.
    const initial = this.pool.options.respawnDelayMs ?? 100;
    this.respawnDelayMs = Date.now() - this.startedAt < 5000 ? Math.min(10_000, this.respawnDelayMs * 2) : initial;
    setTimeout(() => {
      if (this.pool.closing) return;
      this.worker = this.spawn();
      for (const r of this.recognizers.values()) r.attach();
    }, this.respawnDelayMs).unref();
  }
}

class WorkerRecognizer implements Recognizer {
  readonly speaker: Speaker;
  private state: 'live' | 'flushing' | 'closed' = 'live';
  private lastStats: RecognizerStats = { droppedMs: 0, reconnects: 0 };
  private flushed: (() => void) | null = null;
  private readonly batcher = new PcmBatcher(CHUNK_SAMPLES, (chunk) => {
    this.host.post({ type: 'audio', id: this.id, pcm: chunk }, chunk.buffer as ArrayBuffer);
  });

  constructor(
    private readonly host: WorkerHost,
    private readonly id: number,
    private readonly request: RecognizerRequest,
    private readonly handlers: RecognizerHandlers,
  ) {
    this.speaker = request.speaker;
    host.recognizers.set(id, this);
    this.attach();
  }

  attach(): void {
    this.host.post({ type: 'create', id: this.id, request: this.request });
  }

  write(pcm: Int16Array): void {
    if (this.state === 'live') this.batcher.push(pcm);
  }

  async flush(timeoutMs = 8000): Promise<void> {
    if (this.state !== 'live') return;
    this.state = 'flushing';
    this.batcher.drain();
    const done = new Promise<void>((resolve) => (this.flushed = resolve));
    this.host.post({ type: 'flush', id: this.id, timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    // The worker has its own timeout; this one covers a worker that never answers.
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs + 1000)))]);
    clearTimeout(timer);
    this.release();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.host.post({ type: 'close', id: this.id });
    this.release();
  }

  stats(): RecognizerStats {
    return this.lastStats;
  }

  receive(message: Exclude<FromWorker, { type: 'log' }>): void {
    if (message.type === 'result') this.handlers.onResult(message.result);
    else if (message.type === 'error') this.handlers.onError(new RecognizerError(message.message, message.code, message.retryable));
    else {
      this.lastStats = message.stats;
      this.flushed?.();
    }
  }

  workerLost(): void {
    this.handlers.onError(new RecognizerError('the speech worker thread stopped', 'WorkerExit', true));
    if (this.state === 'flushing') this.flushed?.();
  }

  private release(): void {
    this.state = 'closed';
    this.host.recognizers.delete(this.id);
    this.flushed = null;
  }
}

export class SpeechWorkerPool implements RecognizerFactory {
  private readonly hosts: WorkerHost[];
  private nextId = 1;
  closing = false;

  constructor(readonly options: PoolOptions) {
    this.hosts = Array.from({ length: Math.max(1, options.workers) }, () => new WorkerHost(this));
  }

  create(request: RecognizerRequest, handlers: RecognizerHandlers): Recognizer {
    const host = this.hosts.reduce((least, h) => (h.recognizers.size < least.recognizers.size ? h : least));
    return new WorkerRecognizer(host, this.nextId++, request, handlers);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.hosts.map((h) => h.worker.terminate()));
  }
}
