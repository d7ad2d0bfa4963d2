// Entry of a speech worker thread. Node 20 does not carry `--import` loaders into worker
// threads, so this registers tsx's TypeScript loader itself, then loads the thread.
import { register } from 'tsx/esm/api';

register();
await import('./thread.ts');
