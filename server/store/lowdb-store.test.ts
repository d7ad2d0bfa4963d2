import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.ts';
import { silentLogger } from '../log.ts';
import { LowdbCallStore } from './lowdb-store.ts';

function call(n: number, startedAt = new Date().toISOString()): CallRecord {
  return {
    callSid: `CA${String(n).padStart(32, '0')}`,
    accountSid: `AC${'0'.repeat(32)}`,
    from: '+8613800001234',
    to: '+8612345',
    callerHash: 'h',
    startedAt,
    state: 'ivr',
    twilioStatus: 'ringing',
    ivrPath: [],
    transcript: [],
  };
}

describe('lowdb call store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'store-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes calls to a file per day and reads them back after a restart', async () => {
    const store = new LowdbCallStore(dir, silentLogger, 20);
    await store.load(0);
    const c = call(1);
    store.save(c);
    c.transcript.push({ speaker: 'caller', text: '我想问公积金', offsetMs: 300, durationMs: 1200, at: c.startedAt });
    store.save(c);
    await store.close();
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^calls-\d{4}-\d{2}-\d{2}\.json$/);

    const again = new LowdbCallStore(dir, silentLogger);
    const [back] = await again.load(0);
    expect(back).toEqual(c);
  });

  it('batches many saves into few writes', async () => {
    const store = new LowdbCallStore(dir, silentLogger, 200);
    await store.load(0);
    for (let i = 0; i < 500; i++) store.save(call(i));
    // nothing is written until the batch interval passes
    expect(await readdir(dir)).toEqual([]);
    await store.close();
    const [file] = await readdir(dir);
    expect(Object.keys(JSON.parse(await readFile(path.join(dir, file!), 'utf8')).calls)).toHaveLength(500);
  });

  it('moves a corrupt file aside, keeps it, and starts the day empty', async () => {
    const today = new Date();
    const day = new Date(today.getTime() - today.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
    await writeFile(path.join(dir, `calls-${day}.json`), '{"version":1,"calls":{"CA1": {trunc');
    const store = new LowdbCallStore(dir, silentLogger, 20);
    expect(await store.load(0)).toEqual([]);
    const names = await readdir(dir);
    const aside = names.find((n) => n.includes('.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(path.join(dir, aside!), 'utf8')).toBe('{"version":1,"calls":{"CA1": {trunc');
    store.save(call(2));
    await store.close();
    expect((await new LowdbCallStore(dir, silentLogger).load(0)).map((c) => c.callSid)).toEqual([call(2).callSid]);
  });

  it('only loads the days asked for', async () => {
    const store = new LowdbCallStore(dir, silentLogger, 20);
    store.save(call(3, '2026-01-05T10:00:00+08:00'));
    store.save(call(4));
    await new Promise((r) => setTimeout(r, 50));
    await store.close();
    const recent = await new LowdbCallStore(dir, silentLogger).load(Date.now() - 86_400_000);
    expect(recent.map((c) => c.callSid)).toEqual([call(4).callSid]);
  });
});
