import twilio from 'twilio';
import type { EmergencyService } from '../calls/call.ts';

const { VoiceResponse } = twilio.twiml;

/** What the caller hears before the emergency centre rings: which service, and not to hang up. */
export const TRANSFER_ANNOUNCEMENTS: Readonly<Record<EmergencyService, string>> = {
  '110': '正在为您转接110报警服务台，请不要挂机。',
  '119': '正在为您转接119消防救援，请不要挂机。',
  '120': '正在为您转接120急救中心，请不要挂机。',
};

/**
 * The TwiML that hands a caller to an emergency service: a word in Mandarin, then a <Dial>
 * to the centre (EMERGENCY_DIAL_110/119/120: a number, or a SIP address). The caller leaves
 * the operator's bridge, which ends the operator's leg. Twilio presents the caller's own
 * number to the centre (the <Dial> default), so the centre can call back.
 *
 * @example
 *   emergencyTransferTwiml('120', '120')
 *   // <Response><Say language="zh-CN" voice="Polly.Zhiyu">正在为您转接120急救中心，请不要挂机。</Say><Dial><Number>120</Number></Dial></Response>
 */
export function emergencyTransferTwiml(service: EmergencyService, dialTo: string): string {
  const twiml = new VoiceResponse();
  twiml.say({ language: 'zh-CN', voice: 'Polly.Zhiyu' }, TRANSFER_ANNOUNCEMENTS[service]);
  const dial = twiml.dial();
  if (/^sips?:/.test(dialTo)) dial.sip(dialTo);
  else dial.number(dialTo);
  return twiml.toString();
}
