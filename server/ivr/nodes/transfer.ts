import { z } from 'zod';
import { INTENTS, type NodeHandler } from '../flow.ts';
import { spokenText } from './common.ts';

/**
 * Hands the caller to an operator: starts live audio of both sides to the media endpoint
 * (`<Start><Stream track="both_tracks">`, the call's identity as `<Parameter>`s), then
 * queues the caller (`<Enqueue>`) for the operators of `queue`.
 */
const schema = z.strictObject({
  type: z.literal('transfer'),
  queue: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'expected a queue name such as consult'),
  intent: z.enum(INTENTS).optional(),
  text: spokenText.optional(),
  /** Read to a caller waiting in the queue; `{position}` becomes their place in it. */
  waitText: spokenText.default('您前面还有{position}位来电，请耐心等候，我们将尽快为您服务。'),
  /** Read when the queue cannot take the call (full, or an error) before hanging up. */
  busyText: spokenText.default('抱歉，当前来电较多，请您稍后再拨。'),
});

export type TransferNode = z.infer<typeof schema>;

export const transfer: NodeHandler<TransferNode> = {
  schema,
  render(node, ctx) {
    if (node.text) ctx.say(ctx.twiml, node.text);
    const stream = ctx.twiml.start().stream({ url: ctx.urls.mediaStream, track: 'both_tracks' });
    stream.parameter({ name: 'callSid', value: ctx.call.callSid });
    stream.parameter({ name: 'queue', value: node.queue });
    if (node.intent) stream.parameter({ name: 'intent', value: node.intent });
    ctx.twiml.enqueue(
      { waitUrl: ctx.urls.queueWait(ctx.flow.id, ctx.node), waitUrlMethod: 'POST', action: ctx.urls.queueDone(ctx.flow.id, ctx.node), method: 'POST' },
      node.queue,
    );
    ctx.queued(node.queue, node.intent);
    return null;
  },
  targets: () => [],
};
