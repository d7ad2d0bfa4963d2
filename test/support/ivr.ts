import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallRecord } from '../../server/calls/call.ts';
import { CallRegistry } from '../../server/calls/registry.ts';
import { IvrEngine } from '../../server/ivr/engine.ts';
import { FlowLibrary } from '../../server/ivr/library.ts';
import { silentLogger } from '../../server/log.ts';
import { MemoryCallStore } from '../../server/store/memory-store.ts';
import { twilioUrls } from '../../server/telephony/urls.ts';
import { shippedKnowledge } from './knowledge.ts';

/** The project's flows and knowledge base behind an IVR engine, for tests of the IVR in isolation. */
export const FLOWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../flows');

export async function shippedIvr() {
  const flows = new FlowLibrary(FLOWS_DIR, silentLogger);
  await flows.load();
  const { index } = await shippedKnowledge();
  /** A fresh registry and engine, with one ringing call. */
  const fresh = (callSid: string): { registry: CallRegistry; engine: IvrEngine; call: CallRecord } => {
    const registry = new CallRegistry({ store: new MemoryCallStore(), callerHashSecret: 'test-secret-0123456789', logger: silentLogger });
    const engine = new IvrEngine(flows, registry, twilioUrls(() => 'https://hotline.example.gov.cn'), silentLogger, {
      search: (text) => index.search(text),
      hints: () => index.hints(),
    });
    const call = registry.start({ callSid, accountSid: `AC${'0'.repeat(32)}`, from: '+8613800001234', to: '+8612345', status: 'ringing' });
    return { registry, engine, call };
  };
  return { flows, index, fresh };
}
