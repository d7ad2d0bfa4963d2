import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import type { CallRecord, IvrInputKind, IvrStep } from '../calls/call.ts';

/** The `<Say>` attributes of a flow (voice names are checked by Twilio, not by its type list). */
export function sayAttributes(flow: Flow): VoiceResponse.SayAttributes {
  return { language: flow.say.language, voice: flow.say.voice as VoiceResponse.SayAttributes['voice'] };
}

/**
 * An IVR flow, loaded from `flows/<id>.json` and validated (see schema.ts). Nodes are
 * rendered into TwiML one after another until a node waits for the caller (a menu) or
 * ends the IVR (transfer, hang-up).
 */
export interface Flow {
  readonly id: string;
  readonly file: string;
  readonly description?: string;
  readonly start: string;
  /** Where a caller goes when anything cannot be followed (a node removed by a reload…): an operator. */
  readonly fallback: string;
  readonly say: { readonly language: 'zh-CN' | 'cmn-CN'; readonly voice: string };
  readonly speech: { readonly language: 'cmn-Hans-CN' | 'zh' };
  readonly nodes: Readonly<Record<string, FlowNode>>;
}

export interface FlowNode {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The five request kinds of the hotline (CONTRACTS §1 `intent`). */
export const INTENTS = ['consult', 'complaint', 'report', 'suggestion', 'praise'] as const;
export type Intent = (typeof INTENTS)[number];

export interface IvrUrls {
  /** Where a menu's Gather posts, relative to the webhook base; `stage` for nodes that ask more than once. */
  input(flow: string, node: string, attempt: number, stage?: string): string;
  queueWait(flow: string, node: string): string;
  queueDone(flow: string, node: string): string;
  /** The Media Streams URL (wss://…), exactly as signed on the upgrade. */
  readonly mediaStream: string;
}

export interface RenderContext {
  readonly flow: Flow;
  readonly call: CallRecord;
  readonly twiml: VoiceResponse;
  readonly urls: IvrUrls;
  /** The id of the node being rendered. */
  readonly node: string;
  /** 1 on a menu's first prompt; more when it is asked again after a failed input. */
  readonly attempt: number;
  readonly retryReason?: 'none' | 'invalid';
  /** For nodes that ask in several steps (kb_answer): which step this is; undefined for the first. */
  readonly stage?: string;
  readonly knowledge: IvrKnowledge;
  say(target: { say(attributes: object, text: string): unknown }, text: string): void;
  queued(queue: string, intent: Intent | undefined): void;
}

/** What the IVR may ask of the knowledge base (the same retrieval the console uses). */
export interface IvrKnowledge {
  search(text: string): import('../assist/suggestion.ts').SearchResult;
  /** Terms to bias Twilio's recogniser with (Gather `hints`). */
  hints(): string;
}

/** What an input handler may read and record besides the caller's input. */
export interface InputContext {
  readonly call: CallRecord;
  readonly stage?: string;
  readonly knowledge: IvrKnowledge;
  selfService(record: Omit<import('../calls/call.ts').SelfServiceRecord, 'at'>): void;
}

/** What the caller gave a menu: keys, or Twilio's transcript of their speech. */
export interface GatherInput {
  readonly digits?: string;
  readonly speech?: string;
  readonly confidence?: number;
}

export type InputOutcome =
  | { readonly kind: 'next'; readonly next: string; readonly step: Pick<IvrStep, 'input' | 'via' | 'choice'> }
  | { readonly kind: 'retry'; readonly reason: 'none' | 'invalid'; readonly input?: string; readonly via: IvrInputKind }
  /** The same node again at another step, e.g. from hearing the question to confirming the answer. */
  | { readonly kind: 'stage'; readonly stage: string; readonly step: Pick<IvrStep, 'input' | 'via' | 'choice'> };

/**
 * One node type: its schema, how it renders, where it can lead. One file per type in
 * `nodes/`, registered in `nodes/index.ts`.
 */
export interface NodeHandler<N extends FlowNode = FlowNode> {
  readonly schema: import('zod').ZodType<N>;
  /** Adds the node's TwiML. Returns the node to render next in the same response, or null when the response is complete. */
  render(node: N, ctx: RenderContext): string | null;
  /** For nodes that wait for the caller. */
  input?(node: N, input: GatherInput, ctx: InputContext): InputOutcome;
  /** Menus only: how many failed inputs before `failure(node)`. */
  maxAttempts?(node: N): number;
  failure?(node: N, ctx: InputContext): string;
  /** Every node id this node can lead to, for the flow's graph check. */
  targets(node: N): string[];
}

export class FlowError extends Error {
  override readonly name = 'FlowError';
  constructor(
    readonly file: string,
    readonly node: string | null,
    readonly field: string | null,
    readonly problem: string,
  ) {
    super(`${file}${node ? ` › node "${node}"` : ''}${field ? ` › ${field}` : ''}: ${problem}`);
  }
}
