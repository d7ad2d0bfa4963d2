import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CallRecord } from '../../server/calls/call.ts';
import { examplesFileSchema } from '../../server/assist/rules/schema.ts';
import { silentLogger } from '../../server/log.ts';
import { LowdbCallStore } from '../../server/store/lowdb-store.ts';

// GIVEN calls in a data directory on which operators confirmed one flag and dismissed another, and one wrapped up;
// WHEN `npm run examples -- harvest` runs on it; THEN it prints example lines the examples file accepts.
describe('npm run examples -- harvest', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'examples-cli-'));
    const store = new LowdbCallStore(dataDir, silentLogger, 10);
    const startedAt = new Date(Date.now() - 3_600_000).toISOString();
    const decided = (decision: 'confirmed' | 'dismissed') => ({ decision, by: 'op1', at: startedAt });
    store.save({ callSid: `CA${'1'.repeat(32)}`, startedAt, flags: [{ key: 'abuse.insult', kind: 'abuse', category: 'insult', severity: 'high', evidence: ['扑街'], raisedAt: startedAt, heard: '你个死扑街听唔明啊', decision: decided('confirmed') }] } as unknown as CallRecord);
    store.save({ callSid: `CA${'2'.repeat(32)}`, startedAt, flags: [{ key: 'unreasonable.superstition', kind: 'unreasonable', category: 'superstition', severity: 'medium', evidence: ['算命'], raisedAt: startedAt, heard: '楼下算命馆音响太吵了', decision: decided('dismissed') }] } as unknown as CallRecord);
    const wrapUp = { intent: 'complaint', scenarioId: null, department: 'urban_management', departmentReason: '', place: null, summary: '楼顶养鸽子', by: 'op2', at: startedAt };
    const transcript = [{ speaker: 'caller', text: '对面楼顶有人养了一群鸽子，臭得开不了窗', offsetMs: 0, durationMs: 2000, at: startedAt }];
    store.save({ callSid: `CA${'3'.repeat(32)}`, startedAt, flags: [], transcript, wrapUp } as unknown as CallRecord);
    await store.flush();
    await store.close();
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'examples', '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c));
      child.stderr.on('data', (c: Buffer) => (stderr += c));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  it('prints the confirmed flag as an example, the dismissed one as a counter-example and a wrapped-up call with its department', async () => {
    const { code, stdout, stderr } = await run(['harvest', '--data', dataDir]);
    expect(code).toBe(0);
    expect(stderr).toContain('3 example(s) from 3 call(s)');
    const file = examplesFileSchema.parse(parse(`threshold: 0.5\nexamples:\n${stdout}`));
    expect(file.examples).toEqual([
      { text: '你个死扑街听唔明啊', flags: ['abuse.insult'], allow: [] },
      { text: '对面楼顶有人养了一群鸽子，臭得开不了窗', flags: [], allow: [], intent: 'complaint', department: 'urban_management' },
      { text: '楼下算命馆音响太吵了', flags: [], allow: [] },
    ]);
  });

  it('refuses a bad date or command with the usage', async () => {
    const bad = await run(['harvest', '--data', dataDir, '--since', 'yesterday-ish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: not a date');
    expect((await run(['plant'])).stderr).toContain('usage: npm run examples -- harvest');
  });
});
