import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type twilio from 'twilio';
import { z } from 'zod';
import type { CallRegistry } from '../calls/registry.ts';
import type { IvrEngine } from '../ivr/engine.ts';
import type { Metrics } from '../metrics.ts';
import { requireTwilioSignature } from './signature.ts';

/**
 * Twilio's voice webhooks:
 *   POST /twilio/voice         incoming call → the IVR's first prompt
 *   POST /twilio/ivr           a menu's Gather result (or its timeout) → the next prompt
 *   POST /twilio/queue/wait    hold message for a caller in an operator queue
 *   POST /twilio/queue/done    the caller left the queue
 *   POST /twilio/status        call-status callback (configure it on the Twilio number)
 *   POST /twilio/takeover/done how a supervisor's take-over leg went → hang up, or back to the queue
 *
 * Every request is signature-checked first. Answers are computed in memory: Twilio gives
 * up after 15 s, and we aim for single-digit milliseconds.
 */
export interface WebhookDeps {
  readonly authToken: string;
  /** When set, requests for any other Twilio account are refused. */
  readonly accountSid: string | null;
  readonly publicUrl: () => string;
  readonly registry: CallRegistry;
  readonly engine: IvrEngine;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'expected CA followed by 32 hex digits');
const accountSid = z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expected AC followed by 32 hex digits');
const callParams = z.object({
  CallSid: callSid,
  AccountSid: accountSid,
  From: z.string().max(64).default(''),
  To: z.string().max(64).default(''),
  CallStatus: z.string().regex(/^[a-z-]{3,20}$/, 'expected a Twilio call status'),
});
const gatherParams = z.object({
  Digits: z.string().regex(/^[0-9*#]{0,32}$/, 'expected keypad digits').optional(),
  SpeechResult: z.string().max(2000).optional(),
  Confidence: z.coerce.number().min(0).max(1).optional(),
});
const nodeRef = z.object({
  flow: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected a flow id'),
  node: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a node id'),
});
const ivrQuery = nodeRef.extend({ attempt: z.coerce.number().int().min(1).max(10).default(1), stage: z.string().regex(/^[a-z_]{1,20}$/).optional() });
const queueWaitParams = z.object({ QueuePosition: z.coerce.number().int().min(0).optional() });
const queueDoneParams = z.object({ QueueResult: z.string().max(40).default('') });
const emergencyQuery = nodeRef.extend({ service: z.enum(['110', '119', '120'], 'expected 110, 119 or 120') });
const dialDoneParams = z.object({ DialCallStatus: z.string().regex(/^[a-z-]{3,20}$/, 'expected a Twilio dial status') });

class BadWebhook extends Error {}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new BadWebhook(`${where}: ${issue.path.join('.') || 'value'}: ${issue.message}`);
}

export function createTwilioRouter(deps: WebhookDeps): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));
  router.use(requireTwilioSignature(deps.authToken, deps.publicUrl));

  /** Wraps a handler: validation errors are 400 with the field named, timing goes to metrics. */
  const webhook = (route: string, handle: (req: Request) => twilio.twiml.VoiceResponse | null) => (req: Request, res: Response) => {
    const started = process.hrtime.bigint();
    let status = 200;
    try {
      const params = parse(callParams, req.body, 'parameters');
      if (deps.accountSid && params.AccountSid !== deps.accountSid) {
        status = 403;
        res.status(403).type('text/plain').send('this server does not serve that Twilio account');
      } else {
        const twiml = handle(req);
        if (twiml) res.type('text/xml').send(twiml.toString());
        else res.status((status = 204)).end();
      }
    } catch (error) {
      if (!(error instanceof BadWebhook)) {
        status = 500;
        deps.logger.error({ err: error, route }, 'webhook failed');
        res.status(500).type('text/plain').send('internal error');
      } else {
        status = 400;
        deps.logger.warn({ route, problem: error.message }, 'malformed webhook refused');
        res.status(400).type('text/plain').send(error.message);
      }
    } finally {
      deps.metrics.webhookSeconds.observe({ route, status: String(status) }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };

  /** Any voice webhook may be the first we see of a call (after a restart, say): the registry call is found or made. */
  const callOf = (req: Request) => {
    const p = parse(callParams, req.body, 'parameters');
    const call = deps.registry.start({ callSid: p.CallSid, accountSid: p.AccountSid, from: p.From, to: p.To, status: p.CallStatus });
    deps.registry.status(p.CallSid, p.CallStatus);
    return call;
  };

  router.post('/voice', webhook('voice', (req) => deps.engine.begin(callOf(req))));

  router.post('/ivr', webhook('ivr', (req) => {
    const at = parse(ivrQuery, req.query, 'query');
    const g = parse(gatherParams, req.body, 'parameters');
    const call = callOf(req);
    return deps.engine.input(call, at, {
      ...(g.Digits ? { digits: g.Digits } : {}),
      ...(g.SpeechResult ? { speech: g.SpeechResult } : {}),
      ...(g.Confidence !== undefined ? { confidence: g.Confidence } : {}),
    });
  }));

  router.post('/queue/wait', webhook('queue-wait', (req) => {
    const at = parse(nodeRef, req.query, 'query');
    const { QueuePosition } = parse(queueWaitParams, req.body, 'parameters');
    callOf(req);
    return deps.engine.queueWait(at, QueuePosition ?? null);
  }));

  router.post('/queue/done', webhook('queue-done', (req) => {
    const at = parse(nodeRef, req.query, 'query');
    const { QueueResult } = parse(queueDoneParams, req.body, 'parameters');
    const call = callOf(req);
    deps.logger.info({ callSid: call.callSid, result: QueueResult }, 'caller left the queue');
    return deps.engine.queueDone(at, QueueResult);
  }));

  router.post('/takeover/done', webhook('takeover-done', (req) => {
    const at = parse(nodeRef, req.query, 'query');
    const { DialCallStatus } = parse(dialDoneParams, req.body, 'parameters');
    const call = callOf(req);
    deps.registry.takeOverDialed(call, DialCallStatus);
    deps.logger.info({ callSid: call.callSid, dialStatus: DialCallStatus }, 'take-over leg ended');
    return deps.engine.afterTakeOver(call, at, DialCallStatus);
  }));

  router.post('/emergency/done', webhook('emergency-done', (req) => {
    const at = parse(emergencyQuery, req.query, 'query');
    const { DialCallStatus } = parse(dialDoneParams, req.body, 'parameters');
    const call = callOf(req);
    deps.registry.transferDialed(call, DialCallStatus); // logs the outcome
    return deps.engine.afterEmergencyDial(call, at, at.service, DialCallStatus);
  }));

  router.post('/status', webhook('status', (req) => {
    const p = parse(callParams, req.body, 'parameters');
    deps.registry.status(p.CallSid, p.CallStatus);
    return null;
  }));

  return router;
}
