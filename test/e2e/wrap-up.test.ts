import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary, WrapUpDraftUpdate } from '../../server/console/contract.ts';
import { silentLogger } from '../../server/log.ts';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { LowdbCallStore } from '../../server/store/lowdb-store.ts';
import { consoleClient } from '../support/console-client.ts';
import { startTestHotline, until } from '../support/hotline.ts';

// GIVEN a real server, two operators and a manager on real socket.io clients; WHEN a simulated caller
// asks about the housing fund and hangs up; THEN the call's wrap-up draft is pre-filled from what the
// assist engine made of their words, its operator submits a corrected wrap-up after the call ended and
// it is in the store across a restart, while another operator, a manager and a bad request are refused.
const CALL = parseScenario({ caller: '+8613800005555', ivr: ['0'], caller_says: ['我在和平路租房子住，想问一下租房能不能提取公积金'], operator_says: ['您好，12345热线，请讲'] });

describe('the wrap-up of a call', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'wrapup-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('is drafted from the caller’s words, corrected and submitted by its operator only, and stored', async () => {
    const t = await startTestHotline({ DATA_DIR: dataDir });
    const op1 = await consoleClient(t.url, await t.signIn('op1', 'operator'));
    const op2 = await consoleClient(t.url, await t.signIn('op2', 'operator'));
    const manager = await consoleClient(t.url, await t.signIn('mgr', 'manager'));
    const drafts: WrapUpDraftUpdate[] = [];
    const updates: CallSummary[] = [];
    op1.socket.on('wrapup:draft', (d) => drafts.push(d));
    op1.socket.on('call:updated', (c) => updates.push(c));
    let callSid = '';
    try {
      expect(await op2.socket.timeout(5000).emitWithAck('operator:state', 'busy')).toMatchObject({ ok: true }); // so the call goes to op1
      const call = t.call(CALL, { pace: 'realtime' });
      callSid = call.callSid;
      await call.run();
      await until(() => op1.ended.has(callSid), 15_000, 'the call to end');
      expect(t.hotline.registry.get(callSid)).toBeUndefined();

      // The draft: pushed while the caller spoke, and in the call's detail after they hung up.
      const expected = { intent: 'consult', scenarioId: 'gjj.withdraw_rent', department: 'housing_fund', place: '和平路', summary: CALL.caller_says[0] };
      expect(drafts.at(-1)).toMatchObject({ callSid, draft: expected });
      const detail = await op1.socket.timeout(5000).emitWithAck('call:get', callSid);
      expect(detail).toMatchObject({ ok: true, call: { state: 'ended', operator: { username: 'op1' }, wrapUpDraft: expected } });
      const draft = detail.ok ? detail.call.wrapUpDraft! : null;
      expect(draft?.scenarioTitle).toBeTruthy();
      expect(draft?.departmentReason).toBeTruthy();

      // A reload after the hang-up: the operator's snapshot still holds the call awaiting its wrap-up; another's does not.
      const reloaded = await consoleClient(t.url, await t.signIn('op1', 'operator'));
      const other = await consoleClient(t.url, await t.signIn('op2', 'operator'));
      await until(() => reloaded.seen.has(callSid), 5000, "the ended call in op1's snapshot");
      expect(other.seen.has(callSid)).toBe(false);
      reloaded.close();
      other.close();

      const corrected = { callSid, intent: 'consult' as const, scenarioId: 'gjj.withdraw_rent', department: 'housing_fund', departmentReason: draft!.departmentReason, place: '和平路18号', summary: '来电人在和平路18号租房，咨询租房提取公积金的条件和材料', note: '已告知可在公积金App办理' };
      // Someone else's call: refused, checked on the server.
      const refused = { ok: false, error: "only the call's operator, a supervisor or an admin may submit its wrap-up" };
      expect(await op2.socket.timeout(5000).emitWithAck('call:wrapup', corrected)).toEqual(refused);
      expect(await manager.socket.timeout(5000).emitWithAck('call:wrapup', corrected)).toEqual(refused);
      // A bad request names the field.
      expect(await op1.socket.timeout(5000).emitWithAck('call:wrapup', { ...corrected, summary: '  ' })).toMatchObject({ ok: false, error: expect.stringMatching(/^summary: /) });
      expect(await op1.socket.timeout(5000).emitWithAck('call:wrapup', { ...corrected, intent: 'chat' as never })).toMatchObject({ ok: false, error: expect.stringMatching(/^intent: /) });
      expect(await op1.socket.timeout(5000).emitWithAck('call:wrapup', { ...corrected, department: 'moon_base' })).toEqual({ ok: false, error: 'department: no department moon_base in departments.tsv' });
      expect(await op1.socket.timeout(5000).emitWithAck('call:wrapup', { ...corrected, scenarioId: 'gjj.nothing' })).toEqual({ ok: false, error: 'scenarioId: no scenario gjj.nothing in the knowledge base' });
      expect(t.hotline.registry.find(callSid)?.wrapUp).toBeUndefined();
      expect(t.hotline.dispatcher.status(t.hotline.users.find('op1')!.id)?.state).toBe('after_call_work');

      // WHEN its operator submits the corrected wrap-up
      const { callSid: _, ...fields } = corrected;
      const result = await op1.socket.timeout(5000).emitWithAck('call:wrapup', corrected);
      expect(result).toMatchObject({ ok: true, wrapUp: { ...fields, by: 'op1', at: expect.any(String) } });
      // THEN they are told the call changed, and their after-call work is over.
      await until(() => updates.some((u) => u.callSid === callSid && u.wrapUp?.by === 'op1'), 5000, 'call:updated with the wrap-up');
      expect(t.hotline.dispatcher.status(t.hotline.users.find('op1')!.id)?.state).toBe('available');
      // Wrapped up, it no longer comes with a new snapshot.
      const later = await consoleClient(t.url, await t.signIn('op1', 'operator'));
      await until(() => later.states.length > 0, 5000, "op1's state");
      expect(later.seen.has(callSid)).toBe(false);
      later.close();
    } finally {
      for (const c of [op1, op2, manager]) c.close();
      await t.close();
    }

    // Stored: in the lowdb data, and findable again after a restart.
    const [stored] = (await new LowdbCallStore(dataDir, silentLogger).load(0)).filter((c) => c.callSid === callSid);
    expect(stored).toMatchObject({ state: 'ended', wrapUp: { by: 'op1', place: '和平路18号', note: '已告知可在公积金App办理', intent: 'consult', department: 'housing_fund' }, wrapUpDraft: { place: '和平路' } });
    const again = await startTestHotline({ DATA_DIR: dataDir });
    try {
      expect(again.hotline.registry.find(callSid)?.wrapUp).toMatchObject({ by: 'op1', summary: '来电人在和平路18号租房，咨询租房提取公积金的条件和材料' });
    } finally {
      await again.close();
    }
  }, 60_000);
});
