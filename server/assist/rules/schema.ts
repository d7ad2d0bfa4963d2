import { z } from 'zod';
import { INTENTS } from '../../ivr/flow.ts';
import { pattern, signalSchema } from './signal.ts';

/**
 * The files of `rules/`: what the flag detectors, the intent classifier and department
 * routing look for, with the scripts operators read and the basis each flag rests on.
 * Managers edit them without a release; a bad file is refused with its line named and
 * the last good rules stay in force.
 */
const text = z.string().trim().min(1).max(1000);
const severity = z.enum(['emergency', 'high', 'medium', 'low']);
const signals = z.array(signalSchema).min(1).max(200);
const departmentId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a department id of knowledge/departments.tsv');

export const UNREASONABLE = ['private_matter', 'superstition', 'no_factual_basis', 'closed_by_petition', 'judicial_route', 'against_law', 'repeat_compensation', 'market_pricing'] as const;

const abuseCategory = z.strictObject({
  severity,
  /** What the operator says back. */
  script: text,
  /** Words matched as written, by sound (煞笔 for 傻逼), and with one character masked (傻X, 傻*). */
  terms: z.array(z.string().trim().min(2).max(20)).max(2000).default([]),
  /** Latin initials and spellings (sb, cnm), matched as whole words. */
  abbreviations: z.array(z.string().regex(/^[a-z0-9]{2,12}$/, 'lower-case letters and digits')).max(500).default([]),
  signals: z.array(signalSchema).max(200).default([]),
  /** Alert the supervisor at the first occurrence (threats). */
  alertSupervisor: z.boolean().default(false),
});

export const abuseFileSchema = z.strictObject({
  categories: z.strictObject({ insult: abuseCategory, threat: abuseCategory, sexual: abuseCategory }),
  /**
   * The caller quoting someone else (他骂我傻逼): an insult or threat inside reported words is
   * the matter of the call, not abuse of the operator, unless it is said to the operator
   * (你这个傻逼, 傻逼客服). Signals over the whole utterance.
   */
  reported: z.array(signalSchema).max(100).default([]),
  /**
   * Someone else and their verb of saying, ending right where an insult begins (司机…说你…,
   * 小哥回我一句…): the insult is their words, even with a 你 in it. Each pattern must end at
   * the word with no pause between (摊主骂我，你个… may be said to the operator).
   */
  quoteFrames: z.array(pattern).max(50).default([]),
  /**
   * Phrases that hold an abusive word's letters or sound but are no abuse: another meaning
   * (sb卡 is 社保卡), a comparison (那堆沙比人还高), someone else's talk described (什么你妈的都往外说).
   * Taken out of the words before any term, abbreviation or signal of abuse is looked for.
   */
  notAbuse: z.array(pattern).max(100).default([]),
  /**
   * Characters callers put in place of one character of an abusive word. Not the question mark
   * (有没有人？ is no 人渣) nor ○, the written zero (二○二五年, 八○后).
   */
  maskCharacters: z.string().min(1).max(50).default('xX*＊×●□■'),
  escalation: z.strictObject({
    /** At this many abusive utterances in a call the console offers the warning recording. */
    warnAt: z.number().int().min(1).max(20).default(2),
    /** At this many the supervisor is alerted. */
    supervisorAt: z.number().int().min(1).max(50).default(3),
    /** What the warning recording says before the call ends (played through Twilio's API). */
    warning: text.default('您好，您在通话中多次使用侮辱性语言，根据热线服务规定，本次通话将结束。如需办理事项，请文明来电。谢谢。'),
  }),
});

const unreasonableCategory = z.strictObject({
  severity: severity.default('medium'),
  /** The rule the flag rests on, shown with it. */
  basis: text,
  script: text,
  /** Where the caller should go instead, when somewhere. */
  referral: departmentId.nullable().default(null),
  signals,
  /** Never this category when one of these matches, whether a rule or the examples raised it (a consumer dispute is 12315's, not a court's). */
  unless: z.array(signalSchema).max(50).default([]),
});

export const unreasonableFileSchema = z.strictObject({
  /** The caller only asks what the hotline accepts, or says they have no complaint: no demand to flag. */
  askingOnly: z.array(signalSchema).max(50).default([]),
  categories: z.strictObject(Object.fromEntries(UNREASONABLE.map((c) => [c, unreasonableCategory])) as Record<(typeof UNREASONABLE)[number], typeof unreasonableCategory>),
});

const urgentCategory = z.strictObject({
  severity,
  script: text,
  /** The department that takes it (110/119/120 for emergencies), overriding the scenario's. */
  department: departmentId.nullable().default(null),
  signals,
  alertSupervisor: z.boolean().default(false),
});

export const urgentFileSchema = z.strictObject({
  /** A match right after one of these is not an event (没有着火, 不是漏气). */
  negations: z.array(z.string().min(1).max(20)).max(100).default([]),
  /** The caller tells of a past event (to praise who helped), a drill or a plan: nothing urgent is happening now. */
  notNow: z.array(signalSchema).max(50).default([]),
  /** Words of self-harm and an overdose: an emergency whatever else the caller says, so never let go by `notNow`. */
  selfHarm: z.array(signalSchema).max(50).default([]),
  categories: z.strictObject({ emergency: urgentCategory, high: urgentCategory }),
});

export const noRequestFileSchema = z.strictObject({
  chat_only: z.strictObject({ severity: severity.default('low'), script: text, signals }),
});

export const intentFileSchema = z.strictObject({
  /** Checked in order; the first intent whose signals fire wins over the scenario's usual kind. */
  cues: z.array(z.strictObject({ intent: z.enum(INTENTS), signals })).max(50),
  /** A failure of wide impact is reported for repair, unless it recurs (每次下雨都…): then it is a complaint. */
  recurring: z.array(signalSchema).max(50).default([]),
  /** Thanks and goodbyes that close a call (好的，谢谢，再见): no praise on their own, whatever the examples say. */
  courtesy: z.array(signalSchema).max(50).default([]),
});

export const routingFileSchema = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        department: departmentId,
        /** Shown to the operator as the reason for the choice. */
        reason: text,
        /** `always`: even when a scenario fits (a duty the list assigns elsewhere); `no_scenario`: only when none does. */
        when: z.enum(['always', 'no_scenario']).default('no_scenario'),
        /** Only for this kind of request (praise of any department's staff is the hotline's to record and pass on). */
        intent: z.enum(INTENTS).optional(),
        signals,
      }),
    )
    .max(500),
});

const window = z.strictObject({ calls: z.number().int().min(2).max(1000), withinHours: z.number().positive().max(24 * 366) });

export const repeatFileSchema = z.strictObject({
  /** A number calling this often is flagged `frequent` (any window). */
  frequent: z.array(window).min(1).max(10),
  /** An earlier call on the same scenario within this many days makes `same_issue`. */
  sameIssue: z.strictObject({ withinDays: z.number().positive().max(366) }),
  /** Many numbers on one scenario within the window, or one number many times within it: `flood`. */
  flood: z.strictObject({ callers: z.number().int().min(2).max(10_000), calls: z.number().int().min(2).max(1000), withinMinutes: z.number().positive().max(24 * 60) }),
  /** How many earlier calls the console lists. */
  show: z.number().int().min(1).max(50).default(5),
});

/** The flags the detectors learn from examples: every kind and category but repeat callers (those come from history). */
export const LEARNED_FLAGS = [
  'abuse.insult', 'abuse.threat', 'abuse.sexual', 'no_request.chat_only',
  ...UNREASONABLE.map((c) => `unreasonable.${c}` as const),
  'urgent.emergency', 'urgent.high',
] as const;
export type LearnedFlag = (typeof LEARNED_FLAGS)[number];
const learnedFlag = z.enum(LEARNED_FLAGS, { message: `expected one of ${LEARNED_FLAGS.join(', ')}` });

export const examplesFileSchema = z.strictObject({
  /** A learned judgement at or above this probability raises its flag. */
  threshold: z.number().min(0.05).max(0.99).default(0.35),
  /** Per flag, in place of `threshold` (chosen by `npm run eval:examples`). */
  thresholds: z.partialRecord(learnedFlag, z.number().min(0.05).max(0.99)).default({}),
  /** A learned kind of request at or above this probability overrides the rules' cues and the scenario's usual kind. */
  intentThreshold: z.number().min(0.05).max(0.99).default(0.8),
  /**
   * The department the examples learned (from where calls like these were dispatched) against the
   * one the rules and scenarios give: the learned one is taken when it is more likely than theirs by
   * `margin` (by any margin over a weak candidate), and for a request nothing else routes at or above
   * `threshold`. An emergency is never rerouted.
   */
  department: z.strictObject({ margin: z.number().min(0).max(1), threshold: z.number().min(0.05).max(0.99) }).default({ margin: 0.2, threshold: 0.3 }),
  /**
   * A flag a rule raised is dropped when the examples all but rule it out (likelihood below
   * `below`), except for the flags in `except`. 0 turns it off.
   */
  veto: z.strictObject({ below: z.number().min(0).max(0.5), except: z.array(learnedFlag).max(20).default([]) }).default({ below: 0, except: [] }),
  examples: z
    .array(
      z.strictObject({
        text: z.string().trim().min(1).max(500),
        /** The flags the words should raise; none makes it a counter-example. */
        flags: z.array(learnedFlag).max(10).default([]),
        /** Flags that may or may not be raised: neither example nor counter-example for them. */
        allow: z.array(learnedFlag).max(10).default([]),
        /** The kind of request, when it was labelled: taught to the intent classifier. */
        intent: z.enum(INTENTS).optional(),
        /** The department the call was dispatched to, when it was labelled: taught to the department classifier. */
        department: departmentId.optional(),
      }),
    )
    .max(50_000),
});

export type AbuseRules = z.output<typeof abuseFileSchema>;
export type UnreasonableRules = z.output<typeof unreasonableFileSchema>;
export type UrgentRules = z.output<typeof urgentFileSchema>;
export type NoRequestRules = z.output<typeof noRequestFileSchema>;
export type IntentRules = z.output<typeof intentFileSchema>;
export type RoutingRules = z.output<typeof routingFileSchema>;
export type RepeatRules = z.output<typeof repeatFileSchema>;
export type ExampleRules = z.output<typeof examplesFileSchema>;
