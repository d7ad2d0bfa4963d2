import { z } from 'zod';
import { spokenAnswer } from '../../assist/suggestion.ts';
import type { GatherInput, InputContext, InputOutcome, NodeHandler, RenderContext } from '../flow.ts';
import { nodeId, spokenText } from './common.ts';

/**
 * Self-service answers from the knowledge base. The caller says their question
 * (`<Gather input="speech">`, Mandarin, hinted with the knowledge base's terms); when the
 * best scenario scores at least `minScore` the IVR reads its spoken answer and asks
 * whether that solved it (1 yes → `resolved`, 0 → `operator`, 9 → hear it again).
 * Below the threshold, on 0, or after silence, the caller goes to `operator` (a transfer
 * node, which says why) with the question recorded on the call, so the operator's screen
 * starts from it.
 *
 * Two steps, one node: the question (no stage) and the answer (`stage=answer`).
 */
const ANSWER = 'answer';

const schema = z.strictObject({
  type: z.literal('kb_answer'),
  prompt: spokenText,
  confirmPrompt: spokenText.default('如果您的问题已经解决，请按1；需要人工服务，请按0；再听一遍，请按9。'),
  /** The lowest calibrated score (0–1) the IVR answers by itself; below it an operator does. */
  minScore: z.number().min(0).max(1).default(0.7),
  timeoutSeconds: z.number().int().min(1).max(30).default(6),
  maxAttempts: z.number().int().min(1).max(5).default(2),
  noInputText: spokenText.default('抱歉，没有听清您的问题。'),
  invalidText: spokenText.default('抱歉，您的选择有误。'),
  resolved: nodeId,
  operator: nodeId,
});

type KbAnswerNode = z.infer<typeof schema>;

function renderQuestion(node: KbAnswerNode, ctx: RenderContext): void {
  const gather = ctx.twiml.gather({
    input: ['speech'],
    timeout: node.timeoutSeconds,
    speechTimeout: 'auto',
    language: ctx.flow.speech.language,
    hints: ctx.knowledge.hints(),
    action: ctx.urls.input(ctx.flow.id, ctx.node, ctx.attempt),
    method: 'POST',
  });
  if (ctx.retryReason) ctx.say(gather, node.noInputText); // silence, or speech with no words
  ctx.say(gather, node.prompt);
  ctx.twiml.redirect({ method: 'POST' }, ctx.urls.input(ctx.flow.id, ctx.node, ctx.attempt));
}

function renderAnswer(node: KbAnswerNode, ctx: RenderContext): string | null {
  const question = ctx.call.selfService?.question;
  // Searched again rather than stored: the answer read is the current knowledge base's.
  const best = question ? ctx.knowledge.search(question).best : null;
  if (!best) return node.operator;
  // Asked again after a wrong key or silence: the answer is not read twice unless the caller presses 9.
  if (!ctx.retryReason) ctx.say(ctx.twiml, spokenAnswer(best));
  const action = ctx.urls.input(ctx.flow.id, ctx.node, ctx.attempt, ANSWER);
  const gather = ctx.twiml.gather({ input: ['dtmf'], numDigits: 1, timeout: node.timeoutSeconds, action, method: 'POST' });
  if (ctx.retryReason === 'invalid') ctx.say(gather, node.invalidText);
  ctx.say(gather, node.confirmPrompt);
  ctx.twiml.redirect({ method: 'POST' }, action);
  return null;
}

function hearQuestion(node: KbAnswerNode, input: GatherInput, ctx: InputContext): InputOutcome {
  const question = input.speech?.trim();
  if (!question) return { kind: 'retry', reason: 'none', via: 'none' };
  const best = ctx.knowledge.search(question).best;
  const step = { input: question, via: 'speech' as const };
  if (best && best.score >= node.minScore) {
    ctx.selfService({ question, scenarioId: best.sub?.id ?? best.id, title: best.title, score: best.score, outcome: 'answered' });
    return { kind: 'stage', stage: ANSWER, step: { ...step, choice: best.title } };
  }
  ctx.selfService({ question, ...(best ? { scenarioId: best.id, title: best.title, score: best.score } : {}), outcome: 'no_match' });
  return { kind: 'next', next: node.operator, step };
}

function confirmAnswer(node: KbAnswerNode, input: GatherInput, ctx: InputContext): InputOutcome {
  const step = { input: input.digits ?? '', via: 'dtmf' as const };
  switch (input.digits) {
    case '1':
      ctx.selfService({ outcome: 'resolved' });
      return { kind: 'next', next: node.resolved, step: { ...step, choice: '已解决' } };
    case '0':
      ctx.selfService({ outcome: 'operator' });
      return { kind: 'next', next: node.operator, step: { ...step, choice: '转人工' } };
    case '9':
      return { kind: 'stage', stage: ANSWER, step: { ...step, choice: '重听' } };
    case undefined:
    case '':
      return { kind: 'retry', reason: 'none', via: 'none' };
    default:
      return { kind: 'retry', reason: 'invalid', input: input.digits, via: 'invalid' };
  }
}

export const kb_answer: NodeHandler<KbAnswerNode> = {
  schema,
  render(node, ctx) {
    if (ctx.stage === ANSWER) return renderAnswer(node, ctx);
    renderQuestion(node, ctx);
    return null;
  },
  input(node, input, ctx) {
    return ctx.stage === ANSWER ? confirmAnswer(node, input, ctx) : hearQuestion(node, input, ctx);
  },
  maxAttempts: (node) => node.maxAttempts,
  failure(node, ctx) {
    // Silence after an answer is not a resolution we can count: an operator makes sure.
    ctx.selfService({ outcome: ctx.stage === ANSWER ? 'operator' : 'no_input' });
    return node.operator;
  },
  targets: (node) => [node.resolved, node.operator],
};
