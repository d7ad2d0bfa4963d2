import type { CallRegistry } from '../calls/registry.ts';
import type { LiveSuggester } from './live-suggestions.ts';
import { draftWrapUp } from './wrap-up-draft.ts';

/**
 * Keeps each call's wrap-up draft up to date from the analyses the live path already makes
 * (the engine runs once per utterance, for suggestions, flags and this). Only analyses of
 * whole sentences count: a partial is often half a word, and the draft outlives the call.
 */
export function followWrapUpDrafts(registry: CallRegistry, analyses: LiveSuggester): void {
  analyses.on('analysis', ({ call, analysis, basedOn }) => {
    if (basedOn === 'partial' || call.state === 'ended') return;
    const draft = draftWrapUp(analysis, call);
    if (JSON.stringify(draft) !== JSON.stringify(call.wrapUpDraft)) registry.drafted(call, draft);
  });
}
