import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// CONTRACTS §1: `npm run --silent analyze` reads JSON Lines and answers each line, in order.
function analyze(input: string): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'analyze'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, lines: stdout.trim().split('\n').map((l) => JSON.parse(l)), stderr }));
    child.stdin.end(input);
  });
}

describe('analyze (CONTRACTS §1)', () => {
  it('answers every line in order, with suggestions, intent and department; bad lines get an error and the run goes on', async () => {
    const input = [
      JSON.stringify({ text: '喂你好，我想问下租房能不能取公积金', caller: '+8613800000001', at: '2026-11-20T09:00:00+08:00' }),
      'this is not JSON',
      JSON.stringify({ caller: '+8613800000001' }),
      '',
      JSON.stringify({ text: '驾驶证到期了换证要体检吗' }),
      JSON.stringify({ text: '我要投诉，老板拖了我三个月工资不发' }),
      JSON.stringify({ text: '今天天气怎么样' }),
      JSON.stringify({ text: 'x'.repeat(200_000) }),
    ].join('\n');
    const { code, lines, stderr } = await analyze(`${input}\n`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines).toHaveLength(8);
    const top = (line: Record<string, unknown>) => (line['suggestions'] as { id: string; title: string; score: number }[])[0];
    expect(lines[0]).toMatchObject({ flags: [], intent: 'consult', department: 'housing_fund' });
    expect(top(lines[0]!)).toMatchObject({ id: 'gjj.withdraw_rent', title: '租房提取住房公积金' });
    expect(top(lines[0]!)!.score).toBeGreaterThan(0.5);
    expect(lines[1]).toEqual({ error: expect.stringContaining('not JSON') });
    expect(lines[2]).toEqual({ error: expect.stringContaining('text') });
    expect(lines[3]).toEqual({ error: expect.stringContaining('empty') });
    expect(top(lines[4]!)?.id).toBe('traffic.driver_license');
    expect(lines[4]).toMatchObject({ department: 'traffic_police' });
    expect(lines[5]).toMatchObject({ intent: 'complaint', department: 'labor_inspection' });
    expect(lines[6]).toMatchObject({ suggestions: [], flags: [], intent: 'consult', department: null });
    expect(lines[7]).toEqual({ error: expect.stringContaining('100,000') });
  });
});
