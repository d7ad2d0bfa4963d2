import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'test/**/*.test.ts', 'agent-console/src/**/*.test.ts'],
    // The console app is built once per run, for the browser tests (not once per file), and
    // the examples' model trained once, for every engine the tests start.
    globalSetup: ['test/support/build-console.ts', 'test/support/train-examples.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker per core less one: a single worker on two cores. The
    // end-to-end files spend most of their time waiting on real-time audio, not computing,
    // so three at once keep two cores busy and the suite well under five minutes.
    maxWorkers: 3,
  },
});
