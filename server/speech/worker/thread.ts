import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { AzureRecognizerFactory } from '../azure.ts';
import type { Recognizer } from '../recognizer.ts';
import type { FromWorker, ToWorker, ToWorkerBatch, WorkerSetup } from './protocol.ts';

/**
 * A speech worker thread: runs Azure recognisers (the speech SDK and its sockets) off the
 * main thread, which keeps the media socket and the console responsive. Log lines go to
 * the main thread's logger.
 */
const port = parentPort!;
const setup = workerData as WorkerSetup;
// Results of one turn of the event loop cross to the main thread as one batch.
let outbox: FromWorker[] = [];
const post = (message: FromWorker) => {
  outbox.push(message);
  if (outbox.length === 1) {
    setImmediate(() => {
      const batch = outbox;
      outbox = [];
      port.postMessage(batch);
    });
  }
};
const logger = pino({ level: setup.logLevel, base: undefined }, { write: (line: string) => post({ type: 'log', line }) });
const factory = new AzureRecognizerFactory({ ...setup.speech, logger });
const recognizers = new Map<number, Recognizer>();

port.on('message', (batch: ToWorkerBatch) => {
  for (const message of batch) handle(message);
});

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'create':
      recognizers.set(
        message.id,
        factory.create(message.request, {
          onResult: (result) => post({ type: 'result', id: message.id, result }),
          onError: (error) => post({ type: 'error', id: message.id, message: error.message, code: error.code, retryable: error.retryable }),
        }),
      );
      break;
    case 'audio':
      recognizers.get(message.id)?.write(message.pcm);
      break;
    case 'flush': {
      const recognizer = recognizers.get(message.id);
      if (!recognizer) {
        post({ type: 'flushed', id: message.id, stats: { droppedMs: 0, reconnects: 0 } });
        break;
      }
      void recognizer.flush(message.timeoutMs).then(() => {
        recognizers.delete(message.id);
        post({ type: 'flushed', id: message.id, stats: recognizer.stats() });
      });
      break;
    }
    case 'close':
      recognizers.get(message.id)?.close();
      recognizers.delete(message.id);
      break;
  }
}
