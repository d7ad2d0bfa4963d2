import { ExampleModel } from './example-model.ts';
import { Signal } from './signal.ts';
import type { Rules } from './library.ts';

/**
 * Rules with their patterns compiled and the examples learned, once per rules version
 * (cached by the version's object, so a reload compiles again and an unchanged version never does).
 */
export interface CompiledRules {
  readonly source: Rules;
  readonly unreasonable: readonly { readonly category: string; readonly signals: readonly Signal[]; readonly unless: readonly Signal[] }[];
  readonly urgent: readonly { readonly category: 'emergency' | 'high'; readonly signals: readonly Signal[] }[];
  readonly chatOnly: readonly Signal[];
  readonly intent: readonly { readonly intent: Rules['intent']['cues'][number]['intent']; readonly signals: readonly Signal[] }[];
  readonly routing: readonly { readonly rule: Rules['routing']['rules'][number]; readonly signals: readonly Signal[] }[];
  readonly abuseSignals: Readonly<Record<'insult' | 'threat' | 'sexual', readonly Signal[]>>;
  readonly reportedSpeech: readonly Signal[];
  /** `abuse.yaml` quoteFrames, anchored at their end: tested on the words just before an insult. */
  readonly quoteFrames: readonly RegExp[];
  /** `abuse.yaml` notAbuse, global: every phrase they match is taken out before abuse is looked for. */
  readonly notAbuse: readonly RegExp[];
  readonly recurring: readonly Signal[];
  readonly courtesy: readonly Signal[];
  readonly urgentNotNow: readonly Signal[];
  readonly selfHarm: readonly Signal[];
  readonly askingOnly: readonly Signal[];
  /** The departments urgent flags send calls to (110/119/120): only those flags route there. */
  readonly urgentDepartments: ReadonlySet<string>;
  /** What the detectors learned from `examples.yaml`. */
  readonly examples: ExampleModel;
}

const cache = new WeakMap<Rules, CompiledRules>();

export function compile(rules: Rules): CompiledRules {
  let compiled = cache.get(rules);
  if (compiled) return compiled;
  const signals = (list: readonly ConstructorParameters<typeof Signal>[0][]) => list.map((s) => new Signal(s));
  compiled = {
    source: rules,
    unreasonable: Object.entries(rules.unreasonable.categories).map(([category, c]) => ({ category, signals: signals(c.signals), unless: signals(c.unless) })),
    urgent: (['emergency', 'high'] as const).map((category) => ({ category, signals: signals(rules.urgent.categories[category].signals) })),
    chatOnly: signals(rules.noRequest.chat_only.signals),
    intent: rules.intent.cues.map((c) => ({ intent: c.intent, signals: signals(c.signals) })),
    routing: rules.routing.rules.map((rule) => ({ rule, signals: signals(rule.signals) })),
    abuseSignals: {
      insult: signals(rules.abuse.categories.insult.signals),
      threat: signals(rules.abuse.categories.threat.signals),
      sexual: signals(rules.abuse.categories.sexual.signals),
    },
    reportedSpeech: signals(rules.abuse.reported),
    quoteFrames: rules.abuse.quoteFrames.map((p) => new RegExp(`(?:${p})$`, 'u')),
    notAbuse: rules.abuse.notAbuse.map((p) => new RegExp(p, 'gu')),
    recurring: signals(rules.intent.recurring),
    courtesy: signals(rules.intent.courtesy),
    urgentNotNow: signals(rules.urgent.notNow),
    selfHarm: signals(rules.urgent.selfHarm),
    askingOnly: signals(rules.unreasonable.askingOnly),
    urgentDepartments: new Set(Object.values(rules.urgent.categories).flatMap((c) => (c.department ? [c.department] : []))),
    examples: ExampleModel.for(rules.examples),
  };
  cache.set(rules, compiled);
  return compiled;
}
