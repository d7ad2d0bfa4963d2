import { z } from 'zod';

/**
 * A signal: regular expressions over the caller's normalised words (simplified, lower
 * case, punctuation as spaces). It fires when every `all` pattern matches, at least one
 * `any` pattern matches (when there are some), and no `none` pattern does. What matched
 * is the evidence shown to the operator.
 *
 * @example
 * ```yaml
 * - all: ['(涨|加)(工资|薪)', '(帮我|替我|让).{0,8}(单位|公司|老板)']
 *   none: ['拖欠|不发']
 * ```
 */
export const pattern = z.string().min(1).max(500).superRefine((source, ctx) => {
  try {
    new RegExp(source, 'u');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}` });
  }
});

export const signalSchema = z
  .strictObject({
    all: z.array(pattern).max(10).default([]),
    any: z.array(pattern).max(50).default([]),
    none: z.array(pattern).max(20).default([]),
  })
  .refine((s) => s.all.length + s.any.length > 0, 'a signal needs at least one `all` or `any` pattern');
export type SignalSource = z.input<typeof signalSchema>;

export class Signal {
  private readonly all: RegExp[];
  private readonly any: RegExp[];
  private readonly none: RegExp[];

  constructor(source: z.output<typeof signalSchema>) {
    const compile = (s: string) => new RegExp(s, 'u');
    this.all = source.all.map(compile);
    this.any = source.any.map(compile);
    this.none = source.none.map(compile);
  }

  /** The evidence when the signal fires on `text`, else null. */
  match(text: string): string[] | null {
    if (this.none.some((r) => r.test(text))) return null;
    const evidence: string[] = [];
    for (const r of this.all) {
      const m = r.exec(text);
      if (!m) return null;
      evidence.push(m[0].trim());
    }
    if (this.any.length) {
      const hit = this.any.map((r) => r.exec(text)).find((m) => m !== null);
      if (!hit) return null;
      evidence.push(hit[0].trim());
    }
    return [...new Set(evidence.filter(Boolean))];
  }

  /**
   * Whether the signal would fire on `text` but one of its `none` patterns rules it out: the
   * rule has judged these words and said "not this" (拿刀 … 切菜).
   */
  excludes(text: string): boolean {
    if (!this.none.some((r) => r.test(text))) return false;
    return this.all.every((r) => r.test(text)) && (!this.any.length || this.any.some((r) => r.test(text)));
  }
}

/** The first signal of a list that fires, with its evidence. */
export function firstMatch(signals: readonly Signal[], text: string): string[] | null {
  for (const s of signals) {
    const evidence = s.match(text);
    if (evidence) return evidence;
  }
  return null;
}
