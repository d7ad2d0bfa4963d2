import type { FlowNode, NodeHandler } from '../flow.ts';
import { hangup } from './hangup.ts';
import { kb_answer } from './kb_answer.ts';
import { menu } from './menu.ts';
import { play } from './play.ts';
import { say } from './say.ts';
import { transfer } from './transfer.ts';

/** Every node type a flow may use. Adding a type is one file and one line here. */
export const NODE_TYPES = { say, play, menu, kb_answer, transfer, hangup } as const;

export type NodeType = keyof typeof NODE_TYPES;

export function handlerFor(type: string): NodeHandler<FlowNode> | undefined {
  return Object.hasOwn(NODE_TYPES, type) ? (NODE_TYPES[type as NodeType] as unknown as NodeHandler<FlowNode>) : undefined;
}
