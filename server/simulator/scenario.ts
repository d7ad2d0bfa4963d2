import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * A simulated call (CONTRACTS §2): who calls, what they answer at each IVR prompt, and
 * what caller and operator say once connected, alternating caller first.
 *
 * @example
 *   { "caller": "+8613800001234", "ivr": ["1"], "caller_says": ["…"], "operator_says": ["…"] }
 */
const line = z.string().trim().min(1).max(500);
export const scenarioSchema = z.object({
  name: z.string().max(100).optional(),
  description: z.string().max(1000).optional(),
  caller: z.string().regex(/^\+?[0-9]{3,20}$/, 'expected a phone number such as +8613800001234'),
  to: z.string().regex(/^\+?[0-9]{3,20}$/).default('+8612345'),
  ivr: z.array(z.union([z.string().regex(/^[0-9*#]{1,32}$/, 'expected keys such as "1"'), z.object({ speech: line })])).max(50).default([]),
  caller_says: z.array(line).max(100).default([]),
  operator_says: z.array(line).max(100).default([]),
  /** Hang up in the IVR after this many prompts, without reaching an operator. */
  hangup_after_prompts: z.number().int().min(1).max(50).optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ScenarioError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

export async function readScenario(file: string): Promise<Scenario> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ScenarioError(`${file}: ${error instanceof SyntaxError ? `not valid JSON: ${error.message}` : 'cannot be read'}`);
  }
  return parseScenario(json, file);
}
