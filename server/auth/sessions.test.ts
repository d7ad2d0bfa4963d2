import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { SessionStore } from './sessions.ts';

describe('sessions', () => {
  let dir: string;
  let clock: number;
  const open = async () => {
    const store = new SessionStore(path.join(dir, 'sessions.json'), { ttlMs: 10_000, idleMs: 3_000, logger: silentLogger, now: () => clock });
    await store.open();
    return store;
  };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sessions-'));
    clock = 1_000_000;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('gives a random 256-bit id and keeps only its hash on disk, across a restart', async () => {
    const first = await open();
    const { id } = first.create('user-1');
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect(first.create('user-1').id).not.toBe(id);
    await first.close();
    expect(await readFile(path.join(dir, 'sessions.json'), 'utf8')).not.toContain(id);
    const second = await open();
    expect(second.resolve(id)?.userId).toBe('user-1');
    expect(second.resolve('made-up')).toBeNull();
    await second.close();
  });

  it('ends a session when idle, unless an open socket holds it, and at its lifetime in any case', async () => {
    const store = await open();
    const ended: string[] = [];
    store.on('ended', (_key, reason) => ended.push(reason));
    const idle = store.create('u').id;
    const held = store.create('u');
    store.hold(held.session.key);
    clock += 2_000;
    expect(store.resolve(idle)).not.toBeNull(); // used: the idle clock restarts
    clock += 2_999;
    expect(store.resolve(idle)).not.toBeNull();
    clock += 3_000;
    expect(store.resolve(idle)).toBeNull();
    expect(ended).toEqual(['idle']);
    clock += 3_001; // 10 001 ms after sign-in: past the lifetime even though held
    store.sweep();
    expect(store.resolve(held.id)).toBeNull();
    expect(ended).toEqual(['idle', 'expired']);
    await store.close();
  });

  it('ends a session at sign-out', async () => {
    const store = await open();
    const { id } = store.create('u');
    store.revoke(id);
    expect(store.resolve(id)).toBeNull();
    await store.close();
  });
});
