import type { AzureSpeechOptions } from '../azure.ts';
import type { RecognitionResult, RecognizerRequest, RecognizerStats } from '../recognizer.ts';

/** Messages between the main thread and a speech worker thread. */
export type ToWorkerBatch = readonly ToWorker[];

export type ToWorker =
  | { readonly type: 'create'; readonly id: number; readonly request: RecognizerRequest }
  | { readonly type: 'audio'; readonly id: number; readonly pcm: Int16Array }
  | { readonly type: 'flush'; readonly id: number; readonly timeoutMs: number }
  | { readonly type: 'close'; readonly id: number };

export type FromWorker =
  | { readonly type: 'result'; readonly id: number; readonly result: RecognitionResult }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly code: string; readonly retryable: boolean }
  | { readonly type: 'flushed'; readonly id: number; readonly stats: RecognizerStats }
  | { readonly type: 'log'; readonly line: string };

/** What a worker needs to build its recognisers: the Azure options without the logger. */
export interface WorkerSetup {
  readonly speech: Omit<AzureSpeechOptions, 'logger'>;
  readonly logLevel: string;
}
