import type { RuleFileInfo } from '../../../server/assist/rules/editor.ts';
import type { RuleChange } from '../../../server/assist/rules/history.ts';
import type { RuleProblem } from './rule-problems.ts';

export type { RuleChange, RuleFileInfo };
import type { KnowledgeProblem, ScenarioDoc } from './scenario-form.ts';

/**
 * The manager pages' calls to the REST APIs (`/api/knowledge`, `/api/rules`), with the
 * session cookie. Every answer is a value, never an exception, so a page always has
 * something to say: `ok` with the data, or the status and the server's error and problems.
 *
 * @example
 *   const reply = await saveRuleFile('abuse.yaml', text, etag);
 *   if (!reply.ok && reply.status === 422) show(reply.problems);
 */
export type Reply<T> =
  | { readonly ok: true; readonly data: T; readonly etag: string | null }
  | { readonly ok: false; readonly status: number; readonly error: string; readonly code: string | null; readonly problems: readonly unknown[]; readonly current: string | null };

export interface ScenarioSummary {
  readonly id: string;
  readonly title: string;
  readonly domain: string;
  readonly department: string;
  readonly status: 'active' | 'retired';
  readonly subScenarios: number;
}

export interface Suggestion {
  readonly id: string;
  readonly title: string;
  readonly score: number;
  readonly department?: string;
}

export interface KnowledgeChange {
  readonly change: number;
  readonly at: string;
  readonly action: 'create' | 'update' | 'retire' | 'import';
  readonly id: string;
  readonly author: string;
  readonly before: ScenarioDoc | null;
  readonly after: ScenarioDoc | null;
}

async function call<T>(method: string, url: string, options: { json?: unknown; text?: string; headers?: Record<string, string>; as?: 'json' | 'text' } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.text !== undefined) {
    headers['content-type'] = 'text/yaml; charset=utf-8';
    body = options.text;
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body }) });
  } catch {
    return { ok: false, status: 0, error: 'network', code: 'network', problems: [], current: null };
  }
  const etag = res.headers.get('etag')?.replace(/^W\//, '').replace(/"/g, '') ?? null;
  const isJson = res.headers.get('content-type')?.includes('application/json') ?? false;
  const payload: unknown = await (isJson ? res.json() : res.text()).catch(() => null);
  if (res.ok) return { ok: true, data: payload as T, etag };
  const err = (isJson && payload && typeof payload === 'object' ? payload : {}) as { error?: string; code?: string; problems?: unknown[]; current?: string };
  return { ok: false, status: res.status, error: err.error ?? `HTTP ${res.status}`, code: err.code ?? null, problems: err.problems ?? [], current: err.current ?? null };
}

const enc = encodeURIComponent;

export const knowledgeApi = {
  scenarios: () => call<ScenarioSummary[]>('GET', '/api/knowledge/scenarios'),
  departments: () => call<{ id: string; name: string }[]>('GET', '/api/knowledge/departments'),
  scenario: (id: string) => call<ScenarioDoc>('GET', `/api/knowledge/scenarios/${enc(id)}`),
  history: (id: string) => call<KnowledgeChange[]>('GET', `/api/knowledge/scenarios/${enc(id)}/history`),
  search: (text: string) => call<{ suggestions: Suggestion[] }>('POST', '/api/knowledge/search', { json: { text, limit: 10 } }),
  save: (id: string, body: unknown, etag: string | null) => call<ScenarioDoc>('PUT', `/api/knowledge/scenarios/${enc(id)}`, { json: body, headers: etag ? { 'if-match': `"${etag}"` } : {} }),
};

export const rulesApi = {
  files: () => call<{ version: number; files: RuleFileInfo[] }>('GET', '/api/rules'),
  read: (name: string) => call<string>('GET', `/api/rules/${enc(name)}`),
  save: (name: string, text: string, etag: string) => call<{ file: RuleFileInfo; change: RuleChange | null; version: number }>('PUT', `/api/rules/${enc(name)}`, { text, headers: { 'if-match': `"${etag}"` } }),
  check: (name: string, text: string) => call<{ ok: boolean; problems: RuleProblem[] }>('POST', `/api/rules/${enc(name)}/check`, { text }),
  history: (name: string) => call<RuleChange[]>('GET', `/api/rules/${enc(name)}/history`),
  version: (name: string, etag: string) => call<string>('GET', `/api/rules/${enc(name)}/versions/${enc(etag)}`),
};

export const ruleProblemsOf = (reply: Reply<unknown>): RuleProblem[] => (reply.ok ? [] : (reply.problems as RuleProblem[]));
export const knowledgeProblemsOf = (reply: Reply<unknown>): KnowledgeProblem[] => (reply.ok ? [] : (reply.problems as KnowledgeProblem[]));
