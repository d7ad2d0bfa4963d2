import { z } from 'zod';
import type { NodeHandler } from '../flow.ts';
import { spokenText } from './common.ts';

/** Says goodbye (optionally) and ends the call. */
const schema = z.strictObject({ type: z.literal('hangup'), text: spokenText.optional() });

export const hangup: NodeHandler<z.infer<typeof schema>> = {
  schema,
  render(node, ctx) {
    if (node.text) ctx.say(ctx.twiml, node.text);
    ctx.twiml.hangup();
    return null;
  },
  targets: () => [],
};
