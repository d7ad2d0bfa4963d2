import twilio from 'twilio';
import type { CallRecord, EmergencyService } from '../calls/call.ts';
import { queueNodeOf } from './take-over.ts';
import { emergencyDoneUrl } from './urls.ts';

const { VoiceResponse } = twilio.twiml;

/** What the caller hears before the emergency centre rings: which service, and not to hang up. */
export const TRANSFER_ANNOUNCEMENTS: Readonly<Record<EmergencyService, string>> = {
  '110': '正在为您转接110报警服务台，请不要挂机。',
  '119': '正在为您转接119消防救援，请不要挂机。',
  '120': '正在为您转接120急救中心，请不要挂机。',
};

/** How long the centre rings before the caller comes back to the hotline's operators. */
export const EMERGENCY_RING_SECONDS = 30;

/**
 * The TwiML that hands a caller to an emergency service: a word in Mandarin, then a <Dial>
 * to the centre (EMERGENCY_DIAL_110/119/120: a number, or a SIP address). The caller leaves
 * the operator's bridge, which ends the operator's leg. Twilio presents the caller's own
 * number to the centre (the <Dial> default), so the centre can call back. If the centre does
 * not answer, Twilio asks `/twilio/emergency/done` what next: the caller must not be left
 * with a dead line (IvrEngine.afterEmergencyDial puts them back with the operators).
 *
 * @example
 *   emergencyTransferTwiml(call, '120', '120', 'https://hotline.example.gov.cn')
 *   // <Response><Say …>正在为您转接120急救中心，请不要挂机。</Say><Dial timeout="30" action="https://…/twilio/emergency/done?flow=main&amp;node=to_operator&amp;service=120" method="POST"><Number>120</Number></Dial></Response>
 */
export function emergencyTransferTwiml(call: Pick<CallRecord, 'ivrPath'>, service: EmergencyService, dialTo: string, publicUrl: string): string {
  const twiml = new VoiceResponse();
  twiml.say({ language: 'zh-CN', voice: 'Polly.Zhiyu' }, TRANSFER_ANNOUNCEMENTS[service]);
  const dial = twiml.dial({ timeout: EMERGENCY_RING_SECONDS, action: emergencyDoneUrl(publicUrl, queueNodeOf(call), service), method: 'POST' });
  if (/^sips?:/.test(dialTo)) dial.sip(dialTo);
  else dial.number(dialTo);
  return twiml.toString();
}
