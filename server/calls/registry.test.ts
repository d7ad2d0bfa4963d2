import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { MemoryCallStore } from '../store/memory-store.ts';
import { callerHash } from './caller-hash.ts';
import { transferredTo, unansweredTransfer } from './call.ts';
import { CallRegistry } from './registry.ts';

const SECRET = 'registry-test-secret';
const incoming = (n: number) => ({ callSid: `CA${String(n).padStart(32, '0')}`, accountSid: `AC${'0'.repeat(32)}`, from: '+86 138-0000-1234', to: '+8612345', status: 'ringing' });

function registry(settleMs = 50) {
  return new CallRegistry({ store: new MemoryCallStore(), callerHashSecret: SECRET, logger: silentLogger, settleMs });
}

describe('call registry', () => {
  it('keys repeat-caller history on a keyed hash of the normalised number', () => {
    const r = registry();
    const call = r.start(incoming(1));
    expect(call.callerHash).toBe(callerHash(SECRET, '13800001234'));
    expect(call.callerHash).not.toBe(callerHash('another-secret-value', '13800001234'));
    expect(call.callerHash).not.toContain('13800001234');
  });

  it('waits for the stream to flush before ending a call whose status is final', () => {
    const r = registry();
    const ended: string[] = [];
    r.on('ended', (c) => ended.push(c.callSid));
    const call = r.start(incoming(2));
    r.streamStarted(call, `MZ${'1'.repeat(32)}`);
    r.status(call.callSid, 'completed');
    expect(ended).toEqual([]);
    r.transcript(call, { speaker: 'caller', text: '最后一句话', final: true, offsetMs: 0, durationMs: 900 });
    r.streamStopped(call);
    expect(ended).toEqual([call.callSid]);
    expect(call.transcript.map((l) => l.text)).toEqual(['最后一句话']);
    expect(call).toMatchObject({ state: 'ended', endReason: 'completed' });
  });

  it('ends a call anyway when the missing half never comes', async () => {
    const r = registry(30);
    const call = r.start(incoming(3));
    r.streamStarted(call, `MZ${'1'.repeat(32)}`);
    r.status(call.callSid, 'completed');
    await new Promise((res) => setTimeout(res, 80));
    expect(call.state).toBe('ended');
    expect(call.endReason).toMatch(/did not stop/);
  });

  it('ends a call that hangs up in the IVR at once, and says when it is idle', async () => {
    const r = registry();
    const call = r.start(incoming(4));
    const idle = r.idle();
    r.status(call.callSid, 'completed');
    await idle;
    expect(r.size).toBe(0);
  });

  it('keeps partial transcripts out of the record and finals in it', () => {
    const r = registry();
    const call = r.start(incoming(5));
    r.transcript(call, { speaker: 'caller', text: '我想', final: false, offsetMs: 0, durationMs: 300 });
    r.transcript(call, { speaker: 'caller', text: '我想问一下', final: true, offsetMs: 0, durationMs: 900 });
    expect(call.transcript).toHaveLength(1);
  });

  it('keeps an ended call findable for its wrap-up, for keepEndedMs, restored after a restart', async () => {
    let nowMs = Date.parse('2026-12-01T08:00:00Z');
    const store = new MemoryCallStore();
    const make = () => new CallRegistry({ store, callerHashSecret: SECRET, logger: silentLogger, keepEndedMs: 60_000, now: () => new Date(nowMs) });
    const r = make();
    const old = r.start(incoming(7));
    r.status(old.callSid, 'completed');
    nowMs += 30_000;
    const recent = r.start(incoming(8));
    r.status(recent.callSid, 'completed');
    expect(r.get(recent.callSid)).toBeUndefined();
    expect(r.find(recent.callSid)).toBe(recent);
    const wrapUp = r.wrapUp(recent, { intent: 'consult', scenarioId: null, department: 'hrss', departmentReason: '', place: null, summary: '咨询社保' }, 'op1');
    expect(await store.load(0)).toContainEqual(expect.objectContaining({ callSid: recent.callSid, wrapUp }));
    // A restart finds the recently ended call again; one ended longer ago than keepEndedMs is left to the store.
    nowMs += 40_000;
    const again = make();
    await again.restore(0);
    again.close();
    expect(again.find(recent.callSid)?.wrapUp).toEqual(wrapUp);
    expect(again.find(old.callSid)).toBeUndefined();
    expect(again.get(recent.callSid)).toBeUndefined();
  });
  it('counts a transfer whose centre never answered as no transfer, and says so until another one takes the caller', () => {
    const r = registry();
    const call = r.start(incoming(9));
    const by = { by: 'op', byName: 'op', dialed: '120' };
    r.transfer(call, { to: '120', ...by });
    expect(transferredTo(call)?.to).toBe('120'); // until Twilio says how the dial went
    expect(r.transferDialed(call, 'no-answer')).toMatchObject({ to: '120', dialStatus: 'no-answer' });
    expect([transferredTo(call), unansweredTransfer(call)?.to]).toEqual([undefined, '120']);
    // A second report has no transfer to land on, and changes nothing.
    expect(r.transferDialed(call, 'busy')).toBeUndefined();
    r.transfer(call, { to: '119', ...by, dialed: '119' });
    r.transferDialed(call, 'completed');
    expect([transferredTo(call)?.to, unansweredTransfer(call)]).toEqual(['119', undefined]);
  });
});
