import { z } from 'zod';
import type { NodeHandler } from '../flow.ts';
import { nodeId } from './common.ts';

/** Plays a recorded audio file (a pre-recorded announcement), then goes on. */
const schema = z.strictObject({
  type: z.literal('play'),
  url: z.url({ protocol: /^https?$/ }),
  loop: z.number().int().min(1).max(10).default(1),
  next: nodeId,
});

export const play: NodeHandler<z.infer<typeof schema>> = {
  schema,
  render(node, ctx) {
    ctx.twiml.play({ loop: node.loop }, node.url);
    return node.next;
  },
  targets: (node) => [node.next],
};
