import { z } from 'zod';
import type { GatherInput, InputOutcome, NodeHandler } from '../flow.ts';
import { nodeId, spokenText } from './common.ts';

/**
 * Asks the caller to choose, by key or by voice (`<Gather input="dtmf speech">`, Mandarin,
 * with the options' words as hints). No input or a wrong choice asks again with a short
 * apology; after `maxAttempts` failures the caller goes to `onFailure` (an operator).
 */
const option = z.strictObject({
  key: z.string().regex(/^[0-9*#]$/, 'expected one key: 0-9, * or #'),
  label: z.string().trim().min(1).max(40),
  /** Words that choose this option when spoken (the label always does). */
  speech: z.array(z.string().trim().min(1).max(20)).default([]),
  next: nodeId,
});

const schema = z
  .strictObject({
    type: z.literal('menu'),
    prompt: spokenText,
    options: z.array(option).min(1).max(12),
    timeoutSeconds: z.number().int().min(1).max(30).default(5),
    maxAttempts: z.number().int().min(1).max(5).default(2),
    noInputText: spokenText.default('抱歉，没有听到您的选择。'),
    invalidText: spokenText.default('抱歉，您的选择有误。'),
    onFailure: nodeId,
  })
  .superRefine((node, ctx) => {
    const seen = new Set<string>();
    node.options.forEach((o, i) => {
      if (seen.has(o.key)) ctx.addIssue({ code: 'custom', path: ['options', i, 'key'], message: `key ${o.key} is used twice` });
      seen.add(o.key);
    });
  });

type MenuNode = z.infer<typeof schema>;

const CHINESE_DIGITS: Readonly<Record<string, string>> = { 零: '0', 〇: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
const NOISE = /[\s，。？！、,.?!；;：:“”"'‘’（）()…]/g;

/** "按1" / "一" / "1." spoken on its own: the caller said a key rather than a topic. */
function spokenKey(text: string): string | null {
  const bare = text.replace(NOISE, '').replace(/^(我)?(按|选|要)?/, '').replace(/(号键|键|号)$/, '');
  if (/^[0-9]$/.test(bare)) return bare;
  return CHINESE_DIGITS[bare] ?? null;
}

/** The option whose longest word the caller's speech contains. */
function matchSpeech(node: MenuNode, speech: string): MenuNode['options'][number] | null {
  const text = speech.replace(NOISE, '');
  let best: { option: MenuNode['options'][number]; length: number } | null = null;
  for (const option of node.options) {
    for (const word of [option.label, ...option.speech]) {
      if (text.includes(word) && (!best || word.length > best.length)) best = { option, length: word.length };
    }
  }
  return best?.option ?? null;
}

export const menu: NodeHandler<MenuNode> = {
  schema,
  render(node, ctx) {
    const gather = ctx.twiml.gather({
      input: ['dtmf', 'speech'],
      numDigits: 1,
      timeout: node.timeoutSeconds,
      speechTimeout: 'auto',
      language: ctx.flow.speech.language,
      hints: [...new Set(node.options.flatMap((o) => [o.label, ...o.speech]))].join(','),
      action: ctx.urls.input(ctx.flow.id, ctx.node, ctx.attempt),
      method: 'POST',
    });
    const apology = ctx.retryReason === 'none' ? node.noInputText : ctx.retryReason === 'invalid' ? node.invalidText : null;
    if (apology) ctx.say(gather, apology);
    ctx.say(gather, node.prompt);
    // A Gather that times out falls through to the next verb: post the same action with no input.
    ctx.twiml.redirect({ method: 'POST' }, ctx.urls.input(ctx.flow.id, ctx.node, ctx.attempt));
    return null;
  },
  input(node, input: GatherInput): InputOutcome {
    if (input.digits) {
      const option = node.options.find((o) => o.key === input.digits);
      if (!option) return { kind: 'retry', reason: 'invalid', input: input.digits, via: 'invalid' };
      return { kind: 'next', next: option.next, step: { input: input.digits, via: 'dtmf', choice: option.label } };
    }
    if (input.speech?.trim()) {
      const key = spokenKey(input.speech);
      const option = key !== null ? node.options.find((o) => o.key === key) : matchSpeech(node, input.speech);
      if (!option) return { kind: 'retry', reason: 'invalid', input: input.speech, via: 'invalid' };
      return { kind: 'next', next: option.next, step: { input: input.speech, via: 'speech', choice: option.label } };
    }
    return { kind: 'retry', reason: 'none', via: 'none' };
  },
  maxAttempts: (node) => node.maxAttempts,
  failure: (node) => node.onFailure,
  targets: (node) => [...node.options.map((o) => o.next), node.onFailure],
};
