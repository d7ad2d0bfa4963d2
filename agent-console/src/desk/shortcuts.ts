import type { OperatorState } from '../../../server/console/contract.ts';
import type { Key } from '../i18n/i18n.ts';

/**
 * The operator workspace's keyboard shortcuts, as data: which key does what (`shortcutFor`),
 * and the list the `?` overlay and the README show. Single keys act only outside text
 * fields, so typing a wrap-up never triggers them; Ctrl+Enter and Esc work everywhere.
 */
export type DeskAction =
  | { readonly type: 'use'; readonly rank: 1 | 2 | 3 }
  | { readonly type: 'open' }
  | { readonly type: 'wrapup' }
  | { readonly type: 'submit' }
  | { readonly type: 'confirm' }
  | { readonly type: 'dismiss' }
  | { readonly type: 'call'; readonly step: -1 | 1 }
  | { readonly type: 'state'; readonly state: OperatorState }
  | { readonly type: 'help' }
  | { readonly type: 'escape' };

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** Focus is in an input, a select or a textarea (or the IME is composing). */
  readonly inField: boolean;
}

const SINGLE: Readonly<Record<string, DeskAction>> = {
  '1': { type: 'use', rank: 1 },
  '2': { type: 'use', rank: 2 },
  '3': { type: 'use', rank: 3 },
  o: { type: 'open' },
  w: { type: 'wrapup' },
  c: { type: 'confirm' },
  x: { type: 'dismiss' },
  j: { type: 'call', step: 1 },
  k: { type: 'call', step: -1 },
  a: { type: 'state', state: 'available' },
  b: { type: 'state', state: 'busy' },
  p: { type: 'state', state: 'after_call_work' },
  '?': { type: 'help' },
};

export function shortcutFor(press: KeyPress): DeskAction | null {
  if (press.key === 'Escape') return { type: 'escape' };
  if (press.key === 'Enter' && (press.ctrlKey || press.metaKey)) return { type: 'submit' };
  if (press.inField || press.ctrlKey || press.metaKey || press.altKey) return null;
  return press.key.length === 1 ? (SINGLE[press.key.toLowerCase()] ?? null) : null;
}

/** For the help overlay (and the README's table), in the order shown. */
export const SHORTCUT_HELP: readonly { readonly keys: readonly string[]; readonly label: Key }[] = [
  { keys: ['1', '2', '3'], label: 'shortcut.use' },
  { keys: ['O'], label: 'shortcut.open' },
  { keys: ['C'], label: 'shortcut.confirm' },
  { keys: ['X'], label: 'shortcut.dismiss' },
  { keys: ['W'], label: 'shortcut.wrapup' },
  { keys: ['Ctrl+Enter'], label: 'shortcut.submit' },
  { keys: ['K', 'J'], label: 'shortcut.calls' },
  { keys: ['A', 'B', 'P'], label: 'shortcut.state' },
  { keys: ['?'], label: 'shortcut.help' },
  { keys: ['Esc'], label: 'shortcut.escape' },
];
