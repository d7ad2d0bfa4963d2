import dotenv from 'dotenv';
import { ConfigError, loadConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { startSpeechEmulator } from './server.ts';

/**
 * `npm run emulator`: the speech-service emulator on its own (EMULATOR_URL, EMULATOR_KEY),
 * for a server started with EMULATOR_EMBEDDED=false and for benchmarks. A test and demo
 * device: it refuses to run in production.
 */
dotenv.config({ quiet: true });
try {
  const config = loadConfig({ ...process.env, NODE_ENV: process.env['NODE_ENV'] === 'production' ? 'development' : process.env['NODE_ENV'] });
  if (process.env['NODE_ENV'] === 'production') throw new ConfigError('NODE_ENV', 'the speech emulator is a test device and does not run in production');
  const at = new URL(config.emulator.url);
  const log = createLogger(config.logLevel, { pretty: process.stdout.isTTY });
  const emulator = await startSpeechEmulator({ key: config.emulator.key, host: at.hostname, port: Number(at.port), logger: log });
  // One machine-readable line for whoever started us.
  process.stdout.write(`${JSON.stringify({ ready: emulator.httpUrl, ws: emulator.wsEndpoint })}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
}
