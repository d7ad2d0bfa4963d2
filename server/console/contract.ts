/**
 * The console's socket.io contract (namespace `/console`), shared by the server and the
 * page in agent-console/. Callers' numbers never cross it unmasked.
 */
import type { CallState, IvrStep, TranscriptEntry } from '../calls/call.ts';
import type { Speaker } from '../speech/recognizer.ts';

export const CONSOLE_NAMESPACE = '/console';

export interface CallSummary {
  readonly callSid: string;
  /** Masked: +86 138****1234. */
  readonly caller: string;
  readonly state: CallState;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly queue?: string;
  readonly intent?: string;
  readonly ivrPath: readonly IvrStep[];
}

export interface CallDetail extends CallSummary {
  readonly transcript: readonly TranscriptEntry[];
}

export interface TranscriptLine {
  readonly callSid: string;
  readonly speaker: Speaker;
  readonly text: string;
  readonly final: boolean;
  readonly offsetMs: number;
  readonly durationMs: number;
}

export interface ServerInfo {
  readonly speech: 'azure' | 'emulator';
  readonly version: string;
}

export interface ServerToClientEvents {
  'server:info': (info: ServerInfo) => void;
  'calls:snapshot': (calls: CallSummary[]) => void;
  'call:started': (call: CallSummary) => void;
  'call:updated': (call: CallSummary) => void;
  'call:ivr': (event: { callSid: string; step: IvrStep }) => void;
  'transcript:partial': (line: TranscriptLine) => void;
  'transcript:final': (line: TranscriptLine) => void;
  'call:ended': (event: { callSid: string; endedAt: string; reason: string }) => void;
}

export type CallLookup = { ok: true; call: CallDetail } | { ok: false; error: string };

export interface ClientToServerEvents {
  /** The whole call so far: summary and final transcript. */
  'call:get': (callSid: string, ack: (result: CallLookup) => void) => void;
}

export interface SocketData {
  readonly role: 'operator';
}
