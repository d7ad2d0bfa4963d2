import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WallboardResult } from '../../server/console/contract.ts';
import { sortByUrgency } from '../../server/console/urgency.ts';
import { consoleClient } from '../support/console-client.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { wallboardClient } from '../support/wallboard-client.ts';
import { hangUp, hear, MENU, queueCall, sidOf } from '../support/queued-call.ts';

// GIVEN a server, two operators and a supervisor with real socket.io clients;
// WHEN calls arrive through the real webhooks and the caller's words through the registry;
// THEN the supervisor's socket carries what the wallboard shows: every live call with its
// times, operator, intent and flags in short, the queues, and the operators' states.
describe('the wallboard feed', () => {
  let t: TestHotline;
  beforeAll(async () => {
    t = await startTestHotline();
  });
  afterAll(() => t.close());

  it('gives supervisors every call, its flags in short as they change, the queue per queue and the operators’ states', async () => {
    const op1 = await consoleClient(t.url, await t.signIn('wop1', 'operator'));
    const op2 = await consoleClient(t.url, await t.signIn('wop2', 'operator'));
    await until(() => t.hotline.dispatcher.statuses().filter((s) => s.connected).length === 2, 5000, 'two operators connected');
    const board = await wallboardClient(t.url, await t.signIn('wsuper', 'supervisor'));
    const { calls } = board;
    // The snapshot on connect: both operators, available.
    await until(() => board.operators.size === 2, 5000, 'the operators snapshot');
    expect([...board.operators.values()].map((o) => [o.username, o.state, o.connected]).sort()).toEqual([['wop1', 'available', true], ['wop2', 'available', true]]);

    const [a, b, c] = [sidOf(0xa1), sidOf(0xb1), sidOf(0xc1)];
    await queueCall(t, a, { key: MENU.report, from: '+8613800001111' });
    await queueCall(t, b, { key: MENU.complaint, from: '+8613900002222' });
    await queueCall(t, c, { key: MENU.complaint, from: '+8613700003333' }); // nobody free: waits
    await until(() => calls.get(a)?.operator !== undefined && calls.get(b)?.operator !== undefined && calls.has(c), 5000, 'two calls assigned, one waiting');
    expect(board.queues).toEqual([
      { queue: 'complaint', waiting: 1, oldestQueuedAt: calls.get(c)!.queuedAt },
      { queue: 'report', waiting: 0, oldestQueuedAt: null },
    ]);
    expect([...board.operators.values()].every((o) => o.state === 'busy')).toBe(true);
    const first = calls.get(a)!;
    expect(first).toMatchObject({ caller: '+86 138****1111', state: 'queued', intent: 'report', queue: 'report', flagBrief: { worst: null, keys: [], kinds: [], abuseCount: 0 }, stepIns: [] });
    expect(Date.parse(first.operator!.assignedAt)).toBeGreaterThanOrEqual(Date.parse(first.queuedAt!));
    expect(Date.parse(first.queuedAt!)).toBeGreaterThanOrEqual(Date.parse(first.startedAt));

    // WHEN the caller on B insults the operator twice and the caller on A reports a fire
    hear(t, b, '你们这帮废物，办个事磨磨蹭蹭的');
    hear(t, b, '傻X，听不懂人话吗');
    await until(() => calls.get(b)?.flagBrief.abuseCount === 2, 5000, 'the abuse count on B');
    expect(calls.get(b)!.flagBrief).toMatchObject({ kinds: ['abuse'], keys: ['abuse.insult'], worst: 'medium' });
    hear(t, a, '我家楼下着火了，烟很大，快派人来');
    await until(() => calls.get(a)?.flagBrief.worst === 'emergency', 5000, 'the emergency on A');
    expect(calls.get(a)!.flagBrief.keys[0]).toBe('urgent.emergency');

    // THEN in urgency order: the emergency, the repeated abuse, then the caller still waiting.
    expect(sortByUrgency([...calls.values()]).map((x) => x.callSid)).toEqual([a, b, c]);
    // The operators get their own call's summary, never the others'.
    expect([...op1.seen, ...op2.seen].sort()).toEqual([a, b].sort());

    // WHEN B ends, its operator takes the waiting call C; the queue empties.
    await hangUp(t, b);
    const opOfB = t.hotline.registry.find(b)!.operator!.username;
    await until(() => !calls.has(b) && board.operator(opOfB)?.state === 'after_call_work', 5000, 'B ended');
    expect(board.queues.find((q) => q.queue === 'complaint')).toMatchObject({ waiting: 1 });
    await (opOfB === 'wop1' ? op1 : op2).socket.timeout(5000).emitWithAck('operator:state', 'available');
    await until(() => calls.get(c)?.operator?.username === opOfB, 5000, 'C given to the freed operator');
    await until(() => board.queues.find((q) => q.queue === 'complaint')?.waiting === 0, 5000, 'the queue emptied');

    // A reconnecting supervisor gets all of it whole.
    const late = await wallboardClient(t.url, await t.signIn('wsuper'));
    await until(() => late.snapshots === 1 && late.operators.size === 2, 5000, 'the snapshots');
    expect([...late.calls.keys()].sort()).toEqual([a, c].sort());
    expect(late.calls.get(a)!.flagBrief.worst).toBe('emergency');
    expect(late.queues).toEqual(board.queues);
    expect([...late.operators.values()].map((o) => o.state).sort()).toEqual(['busy', 'busy']);

    // Or asks for it whole (the page does when it opens); an operator may not.
    const asked: WallboardResult = await late.socket.timeout(5000).emitWithAck('wallboard:get');
    expect(asked).toMatchObject({ ok: true, board: { queues: board.queues } });
    if (!asked.ok) throw new Error(asked.error);
    expect(asked.board.calls.map((x) => x.callSid).sort()).toEqual([a, c].sort());
    expect(asked.board.operators.map((o) => o.username).sort()).toEqual(['wop1', 'wop2']);
    expect(await op1.socket.timeout(5000).emitWithAck('wallboard:get')).toEqual({ ok: false, error: 'the wallboard is for supervisors, managers and admins' });

    for (const sid of [a, c]) await hangUp(t, sid);
    for (const client of [op1, op2, board, late]) client.close();
  });
});
