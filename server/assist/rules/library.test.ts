import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log.ts';
import { RULES_DIR } from '../../../test/support/rules.ts';
import { loadRules, RuleLibrary } from './library.ts';

// The responsibility list the shipped rules are checked against (its first column, less the header).
const DEPARTMENTS = new Set((await readFile(path.resolve('knowledge/departments.tsv'), 'utf8')).split('\n').slice(1).map((l) => l.split('\t')[0]!).filter(Boolean));

// GIVEN a copy of the shipped rules folder.
describe('rules are data: validated files, the last good set stays in force', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rules-'));
    await cp(RULES_DIR, dir, { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('loads the shipped rules', async () => {
    const result = await loadRules(dir, DEPARTMENTS);
    expect('rules' in result && result.rules.repeat.frequent[0]).toEqual({ calls: 3, withinHours: 24 });
  });

  it('names the file and line of a bad regular expression, and of an unknown department', async () => {
    const file = path.join(dir, 'unreasonable.yaml');
    const source = await readFile(file, 'utf8');
    await writeFile(file, source.replace("'风水',", "'风水(',").replace('referral: market_regulation', 'referral: price_bureau'));
    const result = await loadRules(dir, DEPARTMENTS);
    expect('errors' in result).toBe(true);
    const messages = 'errors' in result ? result.errors.map((e) => e.message) : [];
    const line = source.split('\n').findIndex((l) => l.includes("'风水',")) + 1;
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^unreasonable\\.yaml:${line} .*not a valid regular expression`)));
  });

  it('refuses a department that is not on the responsibility list', async () => {
    const file = path.join(dir, 'routing.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('department: civil_aviation', 'department: airport_authority'));
    const result = await loadRules(dir, DEPARTMENTS);
    expect('errors' in result && result.errors[0]!.message).toMatch(/routing\.yaml › rules\[0\]\.department: "airport_authority" is not a department id/);

    // The same for the department an example was dispatched to.
    await writeFile(file, (await readFile(file, 'utf8')).replace('department: airport_authority', 'department: civil_aviation'));
    const examples = path.join(dir, 'examples.yaml');
    await writeFile(examples, (await readFile(examples, 'utf8')).replace(/department: hrss\}/, 'department: labour_bureau}'));
    const refused = await loadRules(dir, DEPARTMENTS);
    expect('errors' in refused && refused.errors[0]!.message).toMatch(/examples\.yaml › examples\[\d+\]\.department: "labour_bureau" is not a department id/);
  });

  it('names the line of an example whose flag is not a flag the detectors learn', async () => {
    const file = path.join(dir, 'examples.yaml');
    const source = await readFile(file, 'utf8');
    const lines = source.split('\n');
    const at = lines.findIndex((l) => l.includes('flags: [abuse.insult]'));
    lines[at] = lines[at]!.replace('flags: [abuse.insult]', 'flags: [abuse.swearing]');
    await writeFile(file, lines.join('\n'));
    const result = await loadRules(dir, DEPARTMENTS);
    const messages = 'errors' in result ? result.errors.map((e) => e.message) : [];
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^examples\\.yaml:${at + 1} .*expected one of abuse\\.insult`)));
  });

  it('keeps the last good rules when an edit breaks a file, and takes the next good edit', async () => {
    const library = new RuleLibrary(dir, () => DEPARTMENTS, silentLogger);
    await library.load();
    const good = library.current;
    await writeFile(path.join(dir, 'repeat.yaml'), 'frequent: [oops\n');
    const errors = await library.reload();
    expect(errors[0]!.message).toMatch(/^repeat\.yaml:\d+/);
    expect(library.current).toBe(good);
    await writeFile(path.join(dir, 'repeat.yaml'), 'frequent:\n  - calls: 4\n    withinHours: 12\nsameIssue:\n  withinDays: 30\nflood:\n  callers: 5\n  calls: 4\n  withinMinutes: 60\n');
    expect(await library.reload()).toEqual([]);
    expect(library.current.repeat.frequent).toEqual([{ calls: 4, withinHours: 12 }]);
  });

  it('judges a proposed text with the rest of the set without reading it from disk', async () => {
    const result = await loadRules(dir, DEPARTMENTS, { 'repeat.yaml': 'frequent: [oops\n' });
    expect('errors' in result && result.errors[0]!.message).toMatch(/^repeat\.yaml:\d+/);
    expect('rules' in (await loadRules(dir, DEPARTMENTS))).toBe(true);
  });

  it('counts no new version when a reload finds the rules unchanged, and runs reloads one after another', async () => {
    const library = new RuleLibrary(dir, () => DEPARTMENTS, silentLogger);
    await library.load();
    const first = library.current;
    expect(await Promise.all([library.reload(), library.reload()])).toEqual([[], []]);
    expect(library.current).toBe(first);
    expect(library.loadedVersion).toBe(1);
    const file = path.join(dir, 'repeat.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('show: 5', 'show: 6'));
    await library.reload();
    expect(library.loadedVersion).toBe(2);
    expect(library.current.repeat.show).toBe(6);
  });

  it('refuses to start without any good rules', async () => {
    await rm(path.join(dir, 'abuse.yaml'));
    await expect(new RuleLibrary(dir, () => DEPARTMENTS, silentLogger).load()).rejects.toThrow(/abuse\.yaml: missing/);
  });
});
