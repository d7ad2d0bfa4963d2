import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/i18n.ts';
import { SHORTCUT_HELP, shortcutFor, type KeyPress } from './shortcuts.ts';

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, inField: false, ...more });

describe('desk shortcuts', () => {
  it('maps the frequent actions to single keys', () => {
    expect(shortcutFor(press('1'))).toEqual({ type: 'use', rank: 1 });
    expect(shortcutFor(press('3'))).toEqual({ type: 'use', rank: 3 });
    expect(shortcutFor(press('c'))).toEqual({ type: 'confirm' });
    expect(shortcutFor(press('X'))).toEqual({ type: 'dismiss' });
    expect(shortcutFor(press('w'))).toEqual({ type: 'wrapup' });
    expect(shortcutFor(press('a'))).toEqual({ type: 'state', state: 'available' });
    expect(shortcutFor(press('b'))).toEqual({ type: 'state', state: 'busy' });
    expect(shortcutFor(press('p'))).toEqual({ type: 'state', state: 'after_call_work' });
    expect(shortcutFor(press('j'))).toEqual({ type: 'call', step: 1 });
    expect(shortcutFor(press('?'))).toEqual({ type: 'help' });
  });

  it('leaves typing alone: no single-key action inside a field, with Ctrl/Alt/Meta, or for unknown keys', () => {
    expect(shortcutFor(press('1', { inField: true }))).toBeNull();
    expect(shortcutFor(press('c', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press('a', { altKey: true }))).toBeNull();
    expect(shortcutFor(press('z'))).toBeNull();
    expect(shortcutFor(press('F5'))).toBeNull();
  });

  it('submits the wrap-up with Ctrl+Enter and leaves with Esc, from a field too', () => {
    expect(shortcutFor(press('Enter', { ctrlKey: true, inField: true }))).toEqual({ type: 'submit' });
    expect(shortcutFor(press('Enter', { metaKey: true }))).toEqual({ type: 'submit' });
    expect(shortcutFor(press('Enter', { inField: true }))).toBeNull();
    expect(shortcutFor(press('Escape', { inField: true }))).toEqual({ type: 'escape' });
  });

  it('lists every shortcut in the help with a text in both languages', () => {
    for (const lang of ['zh', 'en'] as const) {
      const t = translator(lang);
      for (const { label } of SHORTCUT_HELP) expect(t(label)).not.toBe(label);
    }
    const listed = SHORTCUT_HELP.flatMap((h) => h.keys).filter((k) => k.length === 1);
    for (const key of listed) expect(shortcutFor(press(key))).not.toBeNull();
  });
});
