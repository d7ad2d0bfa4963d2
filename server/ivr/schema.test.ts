import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlowError } from './flow.ts';
import { validateFlow } from './schema.ts';

const main = JSON.parse(readFileSync(new URL('../../flows/main.json', import.meta.url), 'utf8')) as {
  nodes: Record<string, Record<string, unknown>>;
};

function errorsOf(json: unknown, file = 'flows/main.json'): FlowError[] {
  const result = validateFlow(file, json);
  if ('flow' in result) throw new Error('expected the flow to be refused');
  return result.errors;
}

function withNode(node: string, patch: Record<string, unknown>) {
  return { ...main, nodes: { ...main.nodes, [node]: { ...main.nodes[node], ...patch } } };
}

describe('flow validation', () => {
  it('accepts flows/main.json: the real 12345 menu', () => {
    const result = validateFlow('flows/main.json', main);
    if (!('flow' in result)) throw new Error(result.errors.map((e) => e.message).join('\n'));
    const menu = result.flow.nodes['main_menu'] as unknown as { options: { key: string; label: string }[]; maxAttempts: number; onFailure: string };
    expect(menu.options.map((o) => `${o.key} ${o.label}`)).toEqual(['1 政策咨询', '2 投诉举报', '3 求助报修', '4 意见建议', '5 表扬', '9 重听', '0 人工服务']);
    expect(menu.maxAttempts).toBe(2);
    expect(result.flow.nodes[menu.onFailure]?.type).toBe('transfer');
  });

  it('names the file, the node and the field of a bad value', () => {
    const [first] = errorsOf(withNode('main_menu', { timeoutSeconds: 'five' }));
    expect(first).toMatchObject({ file: 'main.json', node: 'main_menu', field: 'timeoutSeconds' });
    expect(first!.message).toMatch(/^main\.json › node "main_menu" › timeoutSeconds: /);
  });

  it('names the option inside a menu', () => {
    const options = [...(main.nodes['main_menu']!['options'] as object[])];
    options[2] = { ...options[2], key: '12' };
    const [first] = errorsOf(withNode('main_menu', { options }));
    expect(first).toMatchObject({ node: 'main_menu', field: 'options[2].key' });
  });

  it('refuses a key used twice, an unknown node type and an unknown field', () => {
    const options = [...(main.nodes['main_menu']!['options'] as { key: string }[])];
    options[1] = { ...options[1]!, key: '1' };
    expect(errorsOf(withNode('main_menu', { options }))[0]!.problem).toMatch(/key 1 is used twice/);
    expect(errorsOf(withNode('welcome', { type: 'teleport' }))[0]).toMatchObject({ node: 'welcome', field: 'type' });
    expect(errorsOf(withNode('welcome', { colour: 'red' }))[0]).toMatchObject({ node: 'welcome' });
  });

  it('refuses a next that leads nowhere, and a missing start', () => {
    expect(errorsOf(withNode('welcome', { next: 'nowhere' }))[0]).toMatchObject({ node: 'welcome', field: 'next' });
    expect(errorsOf({ ...main, start: 'ghost' })[0]).toMatchObject({ node: null, field: 'start' });
  });
});
