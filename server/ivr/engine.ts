import twilio from 'twilio';
import type { Logger } from 'pino';
import { DIAL_ANSWERED, type CallRecord } from '../calls/call.ts';
import type { CallRegistry } from '../calls/registry.ts';
import type { FlowLibrary } from './library.ts';
import { sayAttributes, type Flow, type FlowNode, type GatherInput, type InputContext, type IvrKnowledge, type IvrUrls, type NodeHandler, type RenderContext } from './flow.ts';
import { handlerFor } from './nodes/index.ts';
import type { TransferNode } from './nodes/transfer.ts';

const { VoiceResponse } = twilio.twiml;
type VoiceResponse = twilio.twiml.VoiceResponse;

/** Chained say/play nodes beyond this are a loop in the flow, not a prompt. */
const MAX_NODES_PER_RESPONSE = 25;

/**
 * Runs IVR flows: turns a call's position in a flow into TwiML, and a caller's input
 * into the next position. Every answer is computed in memory from the loaded flow and
 * the call record, so a webhook never waits on I/O. The path taken is recorded on the call.
 */
export class IvrEngine {
  constructor(
    private readonly flows: FlowLibrary,
    private readonly registry: CallRegistry,
    private readonly urls: IvrUrls,
    private readonly log: Logger,
    private readonly knowledge: IvrKnowledge,
    private readonly entryFlow = 'main',
  ) {}

  /** The incoming-call answer: the entry flow from its start. */
  begin(call: CallRecord): VoiceResponse {
    const flow = this.flows.get(this.entryFlow)!;
    return this.run(call, flow, flow.start, 1);
  }

  /** A menu's Gather result (or its timeout redirect, with no input). */
  input(call: CallRecord, at: { flow: string; node: string; attempt: number; stage?: string | undefined }, input: GatherInput): VoiceResponse {
    const flow = this.flows.get(at.flow) ?? this.flows.get(this.entryFlow)!;
    const node = flow.nodes[at.node];
    const handler = node && handlerFor(node.type);
    if (!node || !handler?.input) {
      // The flow changed under a live call: send the caller where the flow says is safe.
      this.log.warn({ callSid: call.callSid, flow: at.flow, node: at.node }, 'input for a node the flow no longer has; using its fallback');
      return this.run(call, flow, flow.fallback, 1);
    }
    const ctx: InputContext = {
      call,
      ...(at.stage ? { stage: at.stage } : {}),
      knowledge: this.knowledge,
      selfService: (record) => this.registry.selfService(call, record),
    };
    const outcome = handler.input(node, input, ctx);
    if (outcome.kind === 'next') {
      this.registry.ivrStep(call, { flow: flow.id, node: at.node, type: node.type, ...outcome.step });
      return this.run(call, flow, outcome.next, 1);
    }
    if (outcome.kind === 'stage') {
      this.registry.ivrStep(call, { flow: flow.id, node: at.node, type: node.type, ...outcome.step });
      return this.run(call, flow, at.node, 1, undefined, outcome.stage);
    }
    this.registry.ivrStep(call, { flow: flow.id, node: at.node, type: node.type, via: outcome.via, ...(outcome.input ? { input: outcome.input } : {}) });
    if (at.attempt >= handler.maxAttempts!(node)) return this.run(call, flow, handler.failure!(node, ctx), 1);
    return this.run(call, flow, at.node, at.attempt + 1, outcome.reason, at.stage);
  }

  /** TwiML for a caller waiting in a transfer node's queue. */
  queueWait(at: { flow: string; node: string }, position: number | null): VoiceResponse {
    const twiml = new VoiceResponse();
    const flow = this.flows.get(at.flow) ?? this.flows.get(this.entryFlow)!;
    const node = this.transferNode(flow, at.node);
    const text = position !== null && position > 0 ? node.waitText.replace('{position}', String(position)) : '请您稍候，正在为您接通。';
    twiml.say(sayAttributes(flow), text);
    twiml.pause({ length: 8 });
    return twiml;
  }

  /** TwiML after the caller leaves the queue: only a queue that could not take the call has more to say. */
  queueDone(at: { flow: string; node: string }, result: string): VoiceResponse {
    const twiml = new VoiceResponse();
    if (result === 'queue-full' || result === 'error' || result === 'system-error') {
      const flow = this.flows.get(at.flow) ?? this.flows.get(this.entryFlow)!;
      twiml.say(sayAttributes(flow), this.transferNode(flow, at.node).busyText);
    }
    twiml.hangup();
    return twiml;
  }

  /**
   * After a supervisor's take-over: when they spoke with the caller (Twilio's DialCallStatus
   * `completed` or `answered`), the call ends with thanks; when they did not answer, the
   * caller hears why and goes back into the queue they came from (the media stream started
   * at the transfer runs on, so no new one is started).
   */
  afterTakeOver(call: CallRecord, at: { flow: string; node: string }, dialStatus: string): VoiceResponse {
    return this.afterDial(call, at, dialStatus, {
      unanswered: '抱歉，值班长暂时无法接听，正在为您转回人工服务，请稍候。',
      nowhereToGo: '抱歉，值班长暂时无法接听，请您稍后再拨。',
    });
  }

  /**
   * Twilio's question after the <Dial> to an emergency centre: a centre that took the caller
   * ends the hotline's part; one that did not answer (busy, no answer, failed) must not leave
   * the caller on a dead line, so they go back to the operators' queue and are told why.
   */
  afterEmergencyDial(call: CallRecord, at: { flow: string; node: string }, service: string, dialStatus: string): VoiceResponse {
    return this.afterDial(call, at, dialStatus, {
      unanswered: `抱歉，${service}暂时没有接通。请不要挂机，正在为您转回话务员。`,
      nowhereToGo: `抱歉，${service}暂时没有接通，请您直接拨打${service}。`,
    });
  }

  /** A leg away from the queue has ended: thanks and goodbye if it was answered, else back to the queue (or, with none, what to do). */
  private afterDial(call: CallRecord, at: { flow: string; node: string }, dialStatus: string, say: { unanswered: string; nowhereToGo: string }): VoiceResponse {
    const twiml = new VoiceResponse();
    const flow = this.flows.get(at.flow) ?? this.flows.get(this.entryFlow)!;
    const answered = DIAL_ANSWERED.has(dialStatus);
    if (answered || !call.queue) {
      twiml.say(sayAttributes(flow), answered ? '感谢您的来电，再见。' : say.nowhereToGo);
      twiml.hangup();
      return twiml;
    }
    twiml.say(sayAttributes(flow), say.unanswered);
    twiml.enqueue({ waitUrl: this.urls.queueWait(flow.id, at.node), waitUrlMethod: 'POST', action: this.urls.queueDone(flow.id, at.node), method: 'POST' }, call.queue);
    this.registry.backToQueue(call);
    return twiml;
  }

  private transferNode(flow: Flow, id: string): TransferNode {
    const node = flow.nodes[id];
    if (node?.type === 'transfer') return node as unknown as TransferNode;
    return handlerFor('transfer')!.schema.parse({ type: 'transfer', queue: 'general' }) as unknown as TransferNode;
  }

  private run(call: CallRecord, flow: Flow, start: string, attempt: number, retryReason?: 'none' | 'invalid', stage?: string): VoiceResponse {
    const twiml = new VoiceResponse();
    let nodeId: string | null = start;
    for (let steps = 0; nodeId !== null; steps++) {
      const node: FlowNode | undefined = flow.nodes[nodeId];
      if (!node || steps >= MAX_NODES_PER_RESPONSE) {
        this.log.error({ flow: flow.id, node: nodeId }, 'flow cannot go on from here; using its fallback');
        if (nodeId === flow.fallback) break;
        nodeId = flow.fallback;
        continue;
      }
      const handler: NodeHandler = handlerFor(node.type)!;
      const ctx: RenderContext = {
        flow,
        call,
        twiml,
        urls: this.urls,
        node: nodeId,
        attempt: nodeId === start ? attempt : 1,
        ...(nodeId === start && retryReason ? { retryReason } : {}),
        ...(nodeId === start && stage ? { stage } : {}),
        knowledge: this.knowledge,
        say: (target, text) => target.say(sayAttributes(flow), text),
        queued: (queue, intent) => this.registry.queued(call, queue, intent),
      };
      // Menus are recorded when the caller answers them, with the answer.
      if (!handler.input) this.registry.ivrStep(call, { flow: flow.id, node: nodeId, type: node.type });
      nodeId = handler.render(node, ctx);
    }
    return twiml;
  }
}
