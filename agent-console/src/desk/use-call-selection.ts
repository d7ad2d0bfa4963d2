import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallView } from '../live/calls-state.ts';
import { nextSelection } from './selection.ts';

/** The chosen call, following nextSelection as calls come and go; `choose` is the operator's pick. */
export function useCallSelection(list: readonly CallView[]): [string | null, (callSid: string) => void] {
  const [selected, setSelected] = useState<string | null>(null);
  const known = useRef(new Set<string>());
  useEffect(() => {
    const next = nextSelection(selected, list.map((c) => ({ callSid: c.summary.callSid, state: c.summary.state })), known.current);
    for (const c of list) known.current.add(c.summary.callSid);
    if (next !== selected) setSelected(next);
  }, [list, selected]);
  const choose = useCallback((callSid: string) => setSelected(callSid), []);
  return [selected, choose];
}
