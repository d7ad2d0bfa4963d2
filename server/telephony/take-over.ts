import twilio from 'twilio';
import type { CallRecord } from '../calls/call.ts';
import { takeOverDoneUrl } from './urls.ts';

const { VoiceResponse } = twilio.twiml;

/** How long the supervisor's softphone rings before the caller goes back to the queue. */
export const TAKE_OVER_RING_SECONDS = 25;

/**
 * The TwiML that moves a caller to a supervisor taking the call over: a word to the caller,
 * then the supervisor's softphone (Twilio Client, identity = their console username). The
 * caller leaves the operator's bridge, which ends the operator's leg. How the supervisor's
 * leg went comes to `/twilio/takeover/done` (see IvrEngine.afterTakeOver).
 *
 * @example
 *   takeOverTwiml(call, 'super', 'https://hotline.example.gov.cn')
 *   // <Response><Say …>请稍候，正在为您转接值班长。</Say><Dial timeout="25" action="https://…/twilio/takeover/done?flow=main&amp;node=to_operator" method="POST"><Client>super</Client></Dial></Response>
 */
export function takeOverTwiml(call: Pick<CallRecord, 'ivrPath'>, supervisorIdentity: string, publicUrl: string): string {
  const twiml = new VoiceResponse();
  twiml.say({ language: 'zh-CN', voice: 'Polly.Zhiyu' }, '请稍候，正在为您转接值班长。');
  const dial = twiml.dial({ timeout: TAKE_OVER_RING_SECONDS, action: takeOverDoneUrl(publicUrl, queueNodeOf(call)), method: 'POST' });
  dial.client(supervisorIdentity);
  return twiml.toString();
}

/** The IVR node that put the caller in the operators' queue: where they go back to if a leg away from it fails. */
export function queueNodeOf(call: Pick<CallRecord, 'ivrPath'>): { flow: string; node: string } {
  const transfer = [...call.ivrPath].reverse().find((s) => s.type === 'transfer');
  return transfer ? { flow: transfer.flow, node: transfer.node } : { flow: 'main', node: 'to_operator' };
}
