import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { CallLookup } from '../../server/console/contract.ts';
import type { SimEvent } from '../../server/simulator/call.ts';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { consoleClient } from '../support/console-client.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';

// GIVEN a server started here, the real speech SDK against the embedded emulator,
// and a socket.io console client; WHEN two simulated callers talk at once;
// THEN each caller's sentences reach the console as growing partials and then finals, in order, on the right call.
const A = parseScenario({
  caller: '+8613800001111',
  ivr: ['0'],
  caller_says: ['你好，我想问一下租房子怎么提取公积金', '需要带什么材料'],
  operator_says: ['您好，12345热线，请讲'],
});
const B = parseScenario({
  caller: '+8613900002222',
  ivr: [{ speech: '我要投诉' }],
  caller_says: ['楼下工地晚上十二点还在施工'],
  operator_says: ['请问具体是哪个小区'],
});

describe('a whole call, end to end', () => {
  let t: TestHotline;
  beforeAll(async () => {
    t = await startTestHotline();
  });
  afterAll(() => t.close());

  const simulate = (scenario: typeof A, events: SimEvent[] = [], pace: 'fast' | 'realtime' = 'fast') =>
    t.call(scenario, { pace, onEvent: (e) => events.push(e) });

  it('shows each caller sentence as partials then a final, in order, for the right call', async () => {
    const client = await consoleClient(t.url, await t.signIn('super'));
    // Real-time pace, as on a live call: partials are volatile, so a burst faster than
    // real time may rightly skip some.
    const a = simulate(A, [], 'realtime');
    const b = simulate(B, [], 'realtime');
    await Promise.all([a.run(), b.run()]);
    await until(() => client.ended.has(a.callSid) && client.ended.has(b.callSid), 15_000, 'both calls to end');

    for (const [call, scenario] of [[a, A], [b, B]] as const) {
      const caller = client.lines.filter((l) => l.callSid === call.callSid && l.speaker === 'caller');
      expect(caller.filter((l) => l.final).map((l) => l.text)).toEqual(scenario.caller_says);
      // Before each final: at least one partial, each a growing prefix of the sentence without punctuation.
      let sentence = 0;
      let partials: string[] = [];
      for (const line of caller) {
        const bare = scenario.caller_says[sentence]!.replace(/[，。？！,.?!]/g, '');
        if (line.final) {
          expect(partials.length).toBeGreaterThan(0);
          expect(partials.every((p, i) => bare.startsWith(p) && (i === 0 || p.length >= partials[i - 1]!.length))).toBe(true);
          sentence++;
          partials = [];
        } else partials.push(line.text);
      }
      const operator = client.lines.filter((l) => l.callSid === call.callSid && l.speaker === 'operator' && l.final);
      expect(operator.map((l) => l.text)).toEqual(scenario.operator_says);
    }
    client.close();
  });

  it('refuses a console client with a wrong token', async () => {
    const socket = io(`${t.url}/console`, { auth: { token: 'not-the-token' }, transports: ['websocket'], reconnection: false });
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
    socket.close();
  });

  it('gives a console the transcript so far of a live call on request, and never the raw number', async () => {
    const client = await consoleClient(t.url, await t.signIn('super'));
    const call = simulate({ ...A, caller_says: ['我想查一下社保缴费记录'], operator_says: ['好的，请您稍等，我帮您查询'] }, [], 'realtime');
    const running = call.run();
    await until(() => client.lines.some((l) => l.callSid === call.callSid && l.final), 15_000, 'a final line');
    const result: CallLookup = await client.socket.timeout(2000).emitWithAck('call:get', call.callSid);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.call.transcript.map((l) => l.text)).toEqual(['我想查一下社保缴费记录']);
      expect(result.call.caller).toBe('+86 138****1111');
      expect(JSON.stringify(result.call)).not.toContain('13800001111');
    }
    await running;
    client.close();
  });
});
