import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from '../config.ts';
import { SpeechSynthesizer } from '../simulator/audio.ts';
import { SimulatedCall, type SimEvent } from '../simulator/call.ts';
import { ConsoleWatcher } from '../simulator/console-watcher.ts';
import { readScenario, ScenarioError } from '../simulator/scenario.ts';

/**
 * `npm run --silent simulate -- SCENARIO.json [--server URL] [--fast]` (CONTRACTS §2).
 *
 * Calls a running server exactly as Twilio would and prints one JSON line per event.
 * Exit 0 when the call ran to its end; 1 when the server could not be reached or broke
 * the protocol (the reason on standard error); 2 for a bad scenario or bad arguments.
 */
const USAGE = `usage: npm run --silent simulate -- SCENARIO.json [--server URL] [--public-url URL] [--emulator URL|none] [--fast] [--no-console]`;

/** The CONTRACTS §2 output shape of an event. */
function eventLine(event: SimEvent): Record<string, unknown> {
  if (event.type === 'twiml') return { type: 'twiml', verbs: event.verbs, url: event.url };
  return { ...event };
}

async function main(): Promise<number> {
  dotenv.config({ quiet: true });
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        'public-url': { type: 'string' },
        emulator: { type: 'string' },
        fast: { type: 'boolean', default: false },
        'no-console': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const file = args.positionals[0];
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      return 2;
    }
    throw error;
  }
  let scenario;
  try {
    scenario = await readScenario(file);
  } catch (error) {
    if (error instanceof ScenarioError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }

  const server = (args.values.server ?? config.publicUrl ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
  const emulatorUrl = args.values.emulator ?? (config.speech.provider === 'emulator' ? config.emulator.url : 'none');
  let watcher: ConsoleWatcher | null = null;
  try {
    if (!args.values['no-console']) watcher = await ConsoleWatcher.connect(server, config.consoleToken);
    const call = new SimulatedCall(scenario, {
      server,
      ...(args.values['public-url'] ? { publicUrl: args.values['public-url'] } : {}),
      authToken: config.twilio.authToken,
      accountSid: config.twilio.accountSid ?? `AC${'0'.repeat(32)}`,
      emulator: emulatorUrl === 'none' ? null : { url: emulatorUrl.replace(/\/+$/, ''), key: config.emulator.key },
      console: watcher,
      synth: new SpeechSynthesizer(),
      pace: args.values.fast ? 'fast' : 'realtime',
      onEvent: (event) => process.stdout.write(`${JSON.stringify(eventLine(event))}\n`),
    });
    await call.run();
    return 0;
  } catch (error) {
    console.error(`simulate: ${(error as Error).message}`);
    return 1;
  } finally {
    watcher?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
