/**
 * The scenario editor's form: a knowledge-base scenario as the fields a manager edits
 * (lists one item per line), back to the body `PUT /api/knowledge/scenarios/:id` takes, and
 * the API's problems (`path: ['answer', 'conditions', 0]`) put beside the field they concern.
 * Sub-scenarios are not edited here: they go back as they came.
 *
 * @example
 *   const form = toForm(scenario);
 *   form.phrasings = form.phrasings + '\n租房能取公积金吗';
 *   await api.put(id, fromForm(form, scenario));
 *   fieldProblems(reply.problems).get('phrasings'); // ['第 7 项：must not be empty']
 */
export const ANSWER_POINTS = ['conditions', 'materials', 'channels', 'timeLimit', 'basis', 'notes'] as const;
export type AnswerPoint = (typeof ANSWER_POINTS)[number];
export const INTENTS = ['consult', 'complaint', 'report', 'suggestion', 'praise'] as const;
/** As the server's schema: a spoken answer reads aloud in under a minute. */
export const MAX_SPOKEN_CHARS = 240;
export const MIN_PHRASINGS = 6;

/** A scenario as the API sends it (the fields this editor knows; others are kept as they came). */
export interface ScenarioDoc {
  readonly id: string;
  readonly title: string;
  readonly department: string;
  readonly intent?: string;
  readonly keywords: readonly string[];
  readonly synonyms?: Readonly<Record<string, readonly string[]>>;
  readonly phrasings: readonly string[];
  readonly answer: Partial<Record<AnswerPoint, readonly string[]>>;
  readonly spoken: string;
  readonly subScenarios?: readonly unknown[];
  readonly status?: 'active' | 'retired';
  readonly domain?: string;
  readonly file?: string;
  readonly sample?: boolean;
  readonly [other: string]: unknown;
}

export type FieldKey = 'id' | 'title' | 'department' | 'intent' | 'keywords' | 'synonyms' | 'phrasings' | `answer.${AnswerPoint}` | 'answer' | 'spoken' | 'subScenarios' | 'status' | 'form';

export interface ScenarioForm {
  title: string;
  department: string;
  intent: string;
  status: 'active' | 'retired';
  /** One per line. */
  keywords: string;
  /** One group per line: `keyword: word, word`. */
  synonyms: string;
  /** One per line. */
  phrasings: string;
  /** One point per line, per answer part. */
  answer: Record<AnswerPoint, string>;
  spoken: string;
}

const lines = (list: readonly string[] | undefined) => (list ?? []).join('\n');
const items = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

export function toForm(s: ScenarioDoc): ScenarioForm {
  return {
    title: s.title,
    department: s.department,
    intent: s.intent ?? 'consult',
    status: s.status ?? 'active',
    keywords: lines(s.keywords),
    synonyms: Object.entries(s.synonyms ?? {}).map(([word, others]) => `${word}: ${others.join(', ')}`).join('\n'),
    phrasings: lines(s.phrasings),
    answer: Object.fromEntries(ANSWER_POINTS.map((p) => [p, lines(s.answer[p])])) as Record<AnswerPoint, string>,
    spoken: s.spoken,
  };
}

/** `租房: 租房子, 租的房子` (also with a full-width colon and commas), one group per line. */
export function parseSynonyms(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of items(text)) {
    const at = line.search(/[:：]/);
    const word = (at < 0 ? line : line.slice(0, at)).trim();
    const others = at < 0 ? [] : line.slice(at + 1).split(/[,，、]/).map((w) => w.trim()).filter(Boolean);
    if (word) out[word] = [...(out[word] ?? []), ...others];
  }
  return out;
}

/** The body to save: the form's fields over the scenario as it came (id, sub-scenarios unchanged). */
export function fromForm(form: ScenarioForm, original: ScenarioDoc): Record<string, unknown> {
  const { domain: _domain, file: _file, sample: _sample, ...rest } = original;
  const answer: Partial<Record<AnswerPoint, string[]>> = {};
  for (const p of ANSWER_POINTS) {
    const points = items(form.answer[p]);
    if (points.length) answer[p] = points;
  }
  return {
    ...rest,
    title: form.title.trim(),
    department: form.department,
    intent: form.intent,
    status: form.status,
    keywords: items(form.keywords),
    synonyms: parseSynonyms(form.synonyms),
    phrasings: items(form.phrasings),
    answer,
    spoken: form.spoken.trim(),
  };
}

/** A problem as the knowledge API names it. */
export interface KnowledgeProblem {
  readonly field: string | null;
  readonly path?: readonly (string | number)[];
  readonly problem: string;
  readonly file?: string;
  readonly line?: number | null;
}

/** One message for a field: which item of a list it concerns (1-based, as the form's lines), and what is wrong. */
export interface FieldMessage {
  readonly item: number | null;
  readonly problem: string;
}

/** The problems by the form field they concern; what fits no field goes under `form`. */
export function fieldProblems(problems: readonly KnowledgeProblem[]): Map<FieldKey, FieldMessage[]> {
  const out = new Map<FieldKey, FieldMessage[]>();
  const add = (key: FieldKey, message: FieldMessage) => out.set(key, [...(out.get(key) ?? []), message]);
  for (const p of problems) {
    const path = p.path ?? (p.field ? p.field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)) : []);
    const [head, second, third] = path;
    if (head === 'answer') {
      if (typeof second === 'string' && (ANSWER_POINTS as readonly string[]).includes(second)) add(`answer.${second as AnswerPoint}`, { item: typeof third === 'number' ? third + 1 : null, problem: p.problem });
      else add('answer', { item: null, problem: p.problem });
    } else if (head === 'synonyms') {
      add('synonyms', { item: null, problem: typeof second === 'string' ? `${second}: ${p.problem}` : p.problem });
    } else if (typeof head === 'string' && ['id', 'title', 'department', 'intent', 'keywords', 'phrasings', 'spoken', 'subScenarios', 'status'].includes(head)) {
      add(head as FieldKey, { item: typeof second === 'number' ? second + 1 : null, problem: p.problem });
    } else {
      add('form', { item: null, problem: p.field && p.field !== '(root)' ? `${p.field}: ${p.problem}` : p.problem });
    }
  }
  return out;
}
