import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../server/simulator/scenario.ts';
import { LowdbCallStore } from '../../server/store/lowdb-store.ts';
import { silentLogger } from '../../server/log.ts';
import { callParams, startTestHotline } from '../support/hotline.ts';

// GIVEN calls handled by a server writing to a data directory; WHEN it restarts on the same directory;
// THEN finished calls keep their IVR path and transcript, and a call still live at shutdown is live again.
describe('restart with calls intact', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'restart-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps finished and live calls across a restart', async () => {
    const first = await startTestHotline({ DATA_DIR: dataDir });
    const scenario = parseScenario({ caller: '+8613800008888', ivr: ['3'], caller_says: ['我家楼道的灯坏了好几天了'], operator_says: ['好的，我们帮您联系物业'] });
    const finished = first.call(scenario, { pace: 'fast' });
    await finished.run();
    const liveSid = `CA${'e'.repeat(32)}`;
    await first.post('/twilio/voice', callParams(liveSid));
    await first.post('/twilio/ivr?flow=main&node=main_menu&attempt=1', callParams(liveSid, { CallStatus: 'in-progress', Digits: '2' }));
    await first.close();

    const [stored] = (await new LowdbCallStore(dataDir, silentLogger).load(0)).filter((c) => c.callSid === finished.callSid);
    expect(stored).toMatchObject({ state: 'ended', queue: 'report', intent: 'report' });
    expect(stored!.ivrPath.map((s) => s.node)).toEqual(['welcome', 'emergency_notice', 'main_menu', 'to_report']);
    expect(stored!.transcript.map((l) => `${l.speaker}:${l.text}`).sort()).toEqual(['caller:我家楼道的灯坏了好几天了', 'operator:好的，我们帮您联系物业']);

    const second = await startTestHotline({ DATA_DIR: dataDir });
    expect(second.hotline.registry.get(liveSid)).toMatchObject({ state: 'queued', queue: 'complaint' });
    expect(second.hotline.registry.get(finished.callSid)).toBeUndefined();
    const done = await second.post('/twilio/status', callParams(liveSid, { CallStatus: 'completed' }));
    expect(done.status).toBe(204);
    expect(second.hotline.registry.get(liveSid)).toBeUndefined();
    await second.close();
  });
});
