import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYaml } from '../../knowledge/files.ts';
import type { KnowledgeError } from '../../knowledge/knowledge-base.ts';
import { keptReadings } from './example-readings.ts';
import { examplesFileSchema } from './schema.ts';

const SOURCE = `threshold: 0.5
examples:
  - {text: "你再推我就去你们单位门口堵你", flags: [abuse.threat], intent: complaint}
  - {text: "路灯坏了一个月了", flags: []}
`;
const parse = (source: string, readings = keptReadings()) => {
  const errors: KnowledgeError[] = [];
  return { value: parseYaml('examples.yaml', source, examplesFileSchema, errors, readings), errors: errors.map((e) => e.message) };
};

// GIVEN a cache folder of its own.
describe("examples.yaml's parse is kept by content, and every load is validated again", () => {
  let dir: string;
  let before: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'readings-'));
    before = process.env.EXAMPLES_CACHE_DIR;
    process.env.EXAMPLES_CACHE_DIR = dir;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.EXAMPLES_CACHE_DIR;
    else process.env.EXAMPLES_CACHE_DIR = before;
  });

  it('reads the same rules from a kept reading as from the YAML, in this process and the next', () => {
    const plain = parse(SOURCE, undefined);
    const first = parse(SOURCE);
    expect(first).toEqual(plain);
    const kept = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(kept).toHaveLength(1);
    // A process with no memory of it reads the kept file; editing it shows it is what was read.
    writeFileSync(path.join(dir, kept[0]!), JSON.stringify({ threshold: 0.6, examples: [{ text: '读的是保存的解析' }] }));
    expect(parse(SOURCE).value?.threshold).toBe(0.6);
  });

  it('parses again when the kept file is corrupt or no longer valid, and writes it anew', () => {
    const source = SOURCE.replace('0.5', '0.45');
    const earlier = new Set(readdirSync(dir));
    parse(source);
    const [file] = readdirSync(dir).filter((f) => !earlier.has(f));
    for (const bad of ['{"threshold": 0.45, "exam', JSON.stringify({ threshold: 7, examples: [] })]) {
      writeFileSync(path.join(dir, file!), bad);
      const again = parse(source);
      expect(again.errors).toEqual([]);
      expect(again.value).toEqual(parse(source, undefined).value);
    }
  });

  it('still refuses a bad file with its line, whether or not its reading was kept', () => {
    const bad = SOURCE.replace('flags: []', 'flags: [abuse.rude]');
    for (let i = 0; i < 2; i++) {
      const result = parse(bad);
      expect(result.value).toBeNull();
      expect(result.errors).toContainEqual(expect.stringMatching(/^examples\.yaml:4 /));
    }
  });
});
