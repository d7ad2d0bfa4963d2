import { z } from 'zod';
import type { NodeHandler } from '../flow.ts';
import { nodeId, spokenText } from './common.ts';

/** Reads a text to the caller, then goes on. */
const schema = z.strictObject({ type: z.literal('say'), text: spokenText, next: nodeId });

export const say: NodeHandler<z.infer<typeof schema>> = {
  schema,
  render(node, ctx) {
    ctx.say(ctx.twiml, node.text);
    return node.next;
  },
  targets: (node) => [node.next],
};
