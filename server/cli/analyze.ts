import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { z } from 'zod';
import { MemoryCallerHistory } from '../assist/caller-history.ts';
import { AssistEngine, type Analysis } from '../assist/engine.ts';
import { KnowledgeIndex } from '../assist/knowledge-index.ts';
import { loadRules } from '../assist/rules/library.ts';
import { callerHash, normalizeNumber } from '../calls/caller-hash.ts';
import { loadKnowledge } from '../knowledge/files.ts';

/**
 * `npm run --silent analyze` (CONTRACTS §1): JSON Lines in, one JSON line out per line in,
 * in order, from the same assist engine the live console uses, on a fresh in-memory store.
 * A bad line gets `{"error": …}` and the run goes on; the exit code is 0 unless standard
 * input cannot be read (or the knowledge base cannot be loaded: 2).
 */
const line = z.object({
  text: z.string({ error: 'text must be a string' }).max(100_000, 'text is longer than 100,000 characters'),
  caller: z.string().max(64).refine((n) => normalizeNumber(n).length >= 5, 'caller is not a phone number').optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

function output(analysis: Analysis): Record<string, unknown> {
  return {
    suggestions: analysis.suggestions.map((s) => ({ id: s.id, title: s.title, score: s.score, matched: s.matched, ...(s.sub ? { sub: s.sub.id } : {}) })),
    flags: analysis.flags,
    intent: analysis.intent,
    department: analysis.department,
    departmentReason: analysis.departmentReason,
    place: analysis.place,
  };
}

async function main(): Promise<number> {
  const dir = path.resolve(process.env.KNOWLEDGE_DIR ?? 'knowledge');
  const loaded = await loadKnowledge(dir);
  if ('errors' in loaded) {
    for (const e of loaded.errors) console.error(e.message);
    return 2;
  }
  const rules = await loadRules(path.resolve(process.env.RULES_DIR ?? 'rules'), new Set(loaded.kb.departments.keys()));
  if ('errors' in rules) {
    for (const e of rules.errors) console.error(e.message);
    return 2;
  }
  const index = KnowledgeIndex.build(loaded.kb);
  // A fresh history per run, keyed like the server's: by a keyed hash, here with a key of this run.
  const engine = new AssistEngine(() => index, () => rules.rules, new MemoryCallerHistory());
  const key = randomBytes(32).toString('hex');
  let clock = Date.now();
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const raw of input) {
    let result: Record<string, unknown>;
    try {
      if (!raw.trim()) throw new SyntaxError('the line is empty');
      const parsed = line.safeParse(JSON.parse(raw));
      if (parsed.success) {
        // Without `at`, lines are one minute apart (CONTRACTS §1).
        clock = parsed.data.at ? Date.parse(parsed.data.at) : clock + 60_000;
        const call = { callerHash: parsed.data.caller ? callerHash(key, parsed.data.caller) : null, atMs: clock };
        const analysis = engine.analyze(parsed.data.text, call);
        engine.remember({ ...call, scenarioId: analysis.suggestions[0]?.id ?? null, place: analysis.place, outcome: null });
        result = output(analysis);
      } else result = { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ') };
    } catch (error) {
      result = { error: error instanceof SyntaxError ? `not JSON: ${error.message}` : 'could not analyse this line' };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  return 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`analyze: cannot read standard input: ${(error as Error).message}`);
  return 1;
});
