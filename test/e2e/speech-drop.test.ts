import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { consoleClient } from '../support/console-client.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';

// GIVEN a call streaming in real time; WHEN the speech service drops the connection
// mid-call (or is down for a while); THEN the recogniser reconnects and the later words still arrive.
const SCENARIO = parseScenario({
  caller: '+8613800007777',
  ivr: ['0'],
  caller_says: ['第一句话，说的是医保异地备案', '第二句话，问的是报销比例', '第三句话，谢谢你们'],
});

describe('speech service drops mid-call', () => {
  let t: TestHotline;
  beforeAll(async () => {
    t = await startTestHotline({ RECONNECT_BUFFER_MS: '10000' });
  });
  afterAll(() => t.close());

  async function callWithFault(fault: (callSid: string) => void) {
    const client = await consoleClient(t.url, await t.signIn('super'));
    const call = t.call(SCENARIO);
    const running = call.run();
    await until(() => client.lines.some((l) => l.callSid === call.callSid && l.final), 20_000, 'the first final');
    fault(call.callSid);
    await running;
    await until(() => client.ended.has(call.callSid), 15_000, 'the call to end');
    client.close();
    return client.lines.filter((l) => l.callSid === call.callSid && l.final && l.speaker === 'caller').map((l) => l.text);
  }

  it('recovers from a dropped connection (the SDK reconnects and replays)', async () => {
    const finals = await callWithFault((callSid) => expect(t.hotline.emulator!.drop(callSid)).toBeGreaterThan(0));
    expect(finals).toEqual(SCENARIO.caller_says);
  });

  it('recovers from a short outage the SDK gives up on (our back-off reconnects)', async () => {
    const finals = await callWithFault((callSid) => {
      t.hotline.emulator!.refuseFor(1500);
      t.hotline.emulator!.drop(callSid);
    });
    expect(finals).toEqual(SCENARIO.caller_says);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/hotline_speech_errors_total\{code="\w+"\} [1-9]/);
  });
});
