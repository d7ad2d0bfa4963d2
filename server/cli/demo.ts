import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { SpeechSynthesizer } from '../simulator/audio.ts';
import { SimulatedCall } from '../simulator/call.ts';
import { ConsoleWatcher } from '../simulator/console-watcher.ts';
import { readScenario, type Scenario } from '../simulator/scenario.ts';

/**
 * Demo mode (`npm run demo`): places a simulated call every `DEMO_INTERVAL_MS`, cycling
 * through the sample scenarios, so someone trying the product always has a call to watch.
 * Each call goes through the real webhooks, media socket and speech SDK path.
 */
const SCENARIOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/scenarios');
const MAX_CONCURRENT = 4;

export interface DemoOptions {
  readonly config: Config;
  readonly publicUrl: string;
  readonly emulatorUrl: string;
  readonly logger: Logger;
}

export function startDemoDialer(options: DemoOptions): { stop(): Promise<void> } {
  const synth = new SpeechSynthesizer();
  const running = new Set<Promise<void>>();
  let scenarios: Scenario[] = [];
  let next = 0;
  let timer: NodeJS.Timeout | null = null;
  let watcher: ConsoleWatcher | null = null;
  let stopped = false;

  const place = async () => {
    if (stopped || running.size >= MAX_CONCURRENT || !scenarios.length) return;
    const scenario = scenarios[next++ % scenarios.length]!;
    const call = new SimulatedCall(scenario, {
      server: options.publicUrl,
      authToken: options.config.twilio.authToken,
      accountSid: options.config.twilio.accountSid ?? `AC${'0'.repeat(32)}`,
      emulator: { url: options.emulatorUrl, key: options.config.emulator.key },
      console: watcher,
      synth,
      pace: 'realtime',
      onEvent: (event) => {
        if (event.type === 'dialing' || event.type === 'ended') options.logger.debug({ event: event.type, scenario: scenario.name }, 'demo call');
      },
    });
    const run = call.run().catch((error: Error) => options.logger.warn({ err: error.message, scenario: scenario.name }, 'demo call failed'));
    running.add(run);
    await run;
    running.delete(run);
  };

  void (async () => {
    const files = (await readdir(SCENARIOS)).filter((f) => f.endsWith('.json')).sort();
    scenarios = await Promise.all(files.map((f) => readScenario(path.join(SCENARIOS, f))));
    watcher = await ConsoleWatcher.connect(options.publicUrl, options.config.consoleToken);
    options.logger.info({ scenarios: scenarios.length }, 'demo dialer started');
    void place();
    timer = setInterval(() => void place(), options.config.demoIntervalMs);
  })().catch((error: Error) => options.logger.error({ err: error.message }, 'demo dialer could not start'));

  return {
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await Promise.allSettled(running);
      watcher?.close();
    },
  };
}
