import { z } from 'zod';
import { INTENTS } from '../ivr/flow.ts';

/**
 * The shape of the knowledge base. Managers edit it as YAML files in
 * `knowledge/scenarios/` (one per domain), import it as CSV or JSON, or change it
 * through the REST API; every path goes through these schemas.
 *
 * @example
 * ```yaml
 * domain: 住房公积金
 * sample: true
 * scenarios:
 *   - id: gjj.withdraw_rent
 *     title: 租房提取住房公积金
 *     department: housing_fund
 *     keywords: [租房, 房租, 提取公积金]
 *     phrasings: [我想问下租房能不能取公积金, …]     # at least six
 *     answer: { conditions: [...], materials: [...], channels: [...] }
 *     spoken: 租房提取公积金，……
 * ```
 */

/** A spoken answer must fit in under a minute: Mandarin prompts run at about four characters a second. */
export const MAX_SPOKEN_CHARS = 240;
export const MIN_PHRASINGS = 6;
export const MIN_SUB_PHRASINGS = 2;

const text = z.string().trim().min(1, 'must not be empty').max(2000, 'at most 2,000 characters');
const shortText = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters');
const points = z.array(text).min(1, 'list at least one point').max(30);

export const SCENARIO_ID = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
export const SUB_SCENARIO_ID = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

/** The operator's answer, in the points a 12345 answer is given in (条件, 材料, 渠道, 时限, 依据). */
export const answerSchema = z
  .strictObject({
    conditions: points.optional(),
    materials: points.optional(),
    channels: points.optional(),
    timeLimit: points.optional(),
    basis: points.optional(),
    notes: points.optional(),
  })
  .refine((a) => Object.values(a).some((v) => v !== undefined), 'give at least one of conditions, materials, channels, timeLimit, basis, notes');
export type Answer = z.infer<typeof answerSchema>;

/** Labels for the answer points, in the order operators read them. */
export const ANSWER_POINTS = [
  ['conditions', '条件'],
  ['materials', '材料'],
  ['channels', '渠道'],
  ['timeLimit', '时限'],
  ['basis', '依据'],
  ['notes', '说明'],
] as const satisfies readonly (readonly [keyof Answer, string])[];

const spoken = z.string().trim().min(1, 'must not be empty').max(MAX_SPOKEN_CHARS, `at most ${MAX_SPOKEN_CHARS} characters, so it reads aloud in under a minute`);
const status = z.enum(['active', 'retired']).default('active');

export const subScenarioSchema = z.strictObject({
  id: z.string().regex(SUB_SCENARIO_ID, 'a sub-scenario id is its scenario id plus ".name" (lower-case letters, digits, _)'),
  title: shortText,
  keywords: z.array(shortText).max(40).default([]),
  phrasings: z.array(shortText).min(MIN_SUB_PHRASINGS, `give at least ${MIN_SUB_PHRASINGS} ways a caller says it`).max(200),
  answer: answerSchema,
  spoken,
  status,
});
export type SubScenario = z.output<typeof subScenarioSchema>;

export function scenarioSchema(departments: ReadonlySet<string>) {
  return z
    .strictObject({
      id: z.string().regex(SCENARIO_ID, 'a scenario id is "domain.name" (lower-case letters, digits, _)'),
      title: shortText,
      department: z.string().refine((d) => departments.has(d), { message: 'not a department id of knowledge/departments.tsv' }),
      intent: z.enum(INTENTS).default('consult'),
      keywords: z.array(shortText).min(1, 'list at least one keyword').max(60),
      /** Words callers use for a keyword in this scenario only; city-wide synonyms are in knowledge/synonyms.yaml. */
      synonyms: z.record(shortText, z.array(shortText).min(1)).default({}),
      phrasings: z.array(shortText).min(MIN_PHRASINGS, `give at least ${MIN_PHRASINGS} ways a caller says it`).max(500),
      answer: answerSchema,
      spoken,
      subScenarios: z.array(subScenarioSchema).max(500).default([]),
      status,
    })
    .superRefine((s, ctx) => {
      s.subScenarios.forEach((sub, i) => {
        if (!sub.id.startsWith(`${s.id}.`)) ctx.addIssue({ code: 'custom', path: ['subScenarios', i, 'id'], message: `must start with "${s.id}."` });
      });
    });
}
export type Scenario = z.output<ReturnType<typeof scenarioSchema>>;
/** What an editor sends: defaults not yet filled in. */
export type ScenarioInput = z.input<ReturnType<typeof scenarioSchema>>;

export function domainFileSchema(departments: ReadonlySet<string>) {
  return z.strictObject({
    domain: shortText,
    /** True for the fictional sample policy shipped with the project. */
    sample: z.boolean().default(false),
    scenarios: z.array(scenarioSchema(departments)).max(5000),
  });
}
export type DomainFile = z.output<ReturnType<typeof domainFileSchema>>;

export const synonymsFileSchema = z.strictObject({
  /** Each group's first word is the form the index keeps; the others are read as it. */
  groups: z.array(z.array(shortText).min(2, 'a synonym group needs at least two words')).max(20_000),
});
export type SynonymsFile = z.output<typeof synonymsFileSchema>;
