import path from 'node:path';
import { z } from 'zod';
import { FlowError, type Flow, type FlowNode } from './flow.ts';
import { handlerFor, NODE_TYPES } from './nodes/index.ts';
import { nodeId } from './nodes/common.ts';

/**
 * Validates a flow file: its shape, each node against its type's schema, and the graph
 * (every `next` leads to a node that exists). Errors name the file, the node and the field.
 */
const flowShape = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().max(500).optional(),
  start: nodeId,
  fallback: nodeId,
  say: z.strictObject({ language: z.enum(['zh-CN', 'cmn-CN']).default('zh-CN'), voice: z.string().min(1).default('Polly.Zhiyu') }).default({ language: 'zh-CN', voice: 'Polly.Zhiyu' }),
  speech: z.strictObject({ language: z.enum(['cmn-Hans-CN', 'zh']).default('cmn-Hans-CN') }).default({ language: 'cmn-Hans-CN' }),
  nodes: z.record(z.string(), z.unknown()),
});

function fieldOf(issue: z.core.$ZodIssue): string {
  return issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)';
}

/** Returns the flow, or every problem found in it. */
export function validateFlow(file: string, json: unknown): { flow: Flow } | { errors: FlowError[] } {
  const name = path.basename(file);
  const id = path.basename(file, '.json');
  if (!/^[a-z][a-z0-9_-]*$/.test(id)) return { errors: [new FlowError(name, null, null, 'a flow file name must be lower-case letters, digits, - or _')] };
  const shape = flowShape.safeParse(json);
  if (!shape.success) {
    return { errors: shape.error.issues.map((i) => new FlowError(name, null, fieldOf(i), i.message)) };
  }
  const errors: FlowError[] = [];
  const nodes: Record<string, FlowNode> = {};
  for (const [nodeName, raw] of Object.entries(shape.data.nodes)) {
    const idCheck = nodeId.safeParse(nodeName);
    if (!idCheck.success) {
      errors.push(new FlowError(name, nodeName, null, idCheck.error.issues[0]!.message));
      continue;
    }
    const type = (raw as { type?: unknown } | null)?.type;
    const handler = typeof type === 'string' ? handlerFor(type) : undefined;
    if (!handler) {
      errors.push(new FlowError(name, nodeName, 'type', `expected one of ${Object.keys(NODE_TYPES).join(', ')}, got ${JSON.stringify(type)}`));
      continue;
    }
    const parsed = handler.schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(new FlowError(name, nodeName, fieldOf(issue), issue.message));
      continue;
    }
    nodes[nodeName] = parsed.data;
  }
  if (errors.length) return { errors };

  const exists = (target: string) => Object.hasOwn(nodes, target);
  if (!exists(shape.data.start)) errors.push(new FlowError(name, null, 'start', `no node "${shape.data.start}"`));
  if (!exists(shape.data.fallback)) errors.push(new FlowError(name, null, 'fallback', `no node "${shape.data.fallback}"`));
  for (const [nodeName, node] of Object.entries(nodes)) {
    for (const target of handlerFor(node.type)!.targets(node)) {
      if (!exists(target)) errors.push(new FlowError(name, nodeName, 'next', `leads to "${target}", which is not a node of this flow`));
    }
  }
  if (errors.length) return { errors };

  const { start, fallback, say, speech, description } = shape.data;
  return { flow: Object.freeze({ id, file, start, fallback, say, speech, nodes: Object.freeze(nodes), ...(description ? { description } : {}) }) };
}
