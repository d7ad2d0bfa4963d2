import { z } from 'zod';

/** Node ids: lower-case words joined by underscores, so they read well in URLs and logs. */
export const nodeId = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a node id such as main_menu');
/** Text read to callers: short enough for one breath of TTS, long enough for a real prompt. */
export const spokenText = z.string().trim().min(1).max(1000);
