import type { Speaker } from '../../server/speech/recognizer.ts';
import { callParams, until, type TestHotline } from './hotline.ts';
import { wallboardClient } from './wallboard-client.ts';

/** Keys of flows/main.json's main menu that lead straight to an operator queue (1 goes to self-service first). */
export const MENU = { complaint: '2', report: '3', suggestion: '4', general: '0' } as const;

/**
 * A call put in an operator queue through the real webhooks, signed as Twilio signs them
 * (incoming call, then the main menu's key), with no media stream: fast, and it stays live
 * until its status callback says otherwise.
 */
export async function queueCall(t: TestHotline, callSid: string, options: { from?: string; key?: string } = {}): Promise<void> {
  const from = { From: options.from ?? '+8613800001234' };
  const voice = await t.post('/twilio/voice', callParams(callSid, from));
  if (voice.status !== 200) throw new Error(`voice webhook answered ${voice.status}`);
  const menu = await t.post('/twilio/ivr?flow=main&node=main_menu&attempt=1', callParams(callSid, { ...from, CallStatus: 'in-progress', Digits: options.key ?? MENU.general }));
  const twiml = await menu.text();
  if (!twiml.includes('<Enqueue')) throw new Error(`the menu did not queue the call: ${twiml.slice(0, 200)}`);
}

/**
 * Words on a live call as the recogniser would hand them to the registry (the path after
 * the audio): the assist engine, the flags and the console feed all run on them.
 */
export function hear(t: TestHotline, callSid: string, text: string, speaker: Speaker = 'caller'): void {
  const call = t.hotline.registry.get(callSid);
  if (!call) throw new Error(`no live call ${callSid}`);
  const offsetMs = call.transcript.length * 3000;
  t.hotline.registry.transcript(call, { speaker, text, final: true, offsetMs, durationMs: 2500 });
}

/** The status callback Twilio posts when the call is over. */
export async function hangUp(t: TestHotline, callSid: string): Promise<void> {
  await t.post('/twilio/status', callParams(callSid, { CallStatus: 'completed' }));
}

export const sidOf = (n: number) => `CA${n.toString(16).padStart(32, '0')}`;

/** An operator signed in (a real socket.io client) and available, with a queued call given to them. */
export async function operatorWithCall(t: TestHotline, username: string, callSid: string, key: string = MENU.general) {
  const op = await wallboardClient(t.url, await t.signIn(username, 'operator'));
  await until(() => op.operator(username)?.state === 'available', 5000, `${username} available`);
  await queueCall(t, callSid, { key });
  await until(() => op.calls.get(callSid)?.operator?.username === username, 5000, `the call given to ${username}`);
  return { op, sid: callSid };
}
