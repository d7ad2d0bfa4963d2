import { compile } from '../../server/assist/rules/compiled.ts';
import { shippedRules } from './rules.ts';

/**
 * vitest globalSetup: trains the shipped examples' model once and keeps it on disk
 * (trained-models.ts), so the test files and the servers they start read it instead of
 * each training it again on a cold cache, as in CI (~8 s apiece for 15,000 examples).
 */
export default async function trainExamples(): Promise<void> {
  compile(await shippedRules());
}
