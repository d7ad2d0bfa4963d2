import { describe, expect, it } from 'vitest';
import { isKey, lookup, savedLanguage, saveLanguage, translator } from './i18n.ts';

describe('console text', () => {
  it('is Simplified Chinese first, English on the toggle, with values filled in', () => {
    expect(translator('zh')('signIn')).toBe('登录');
    expect(translator('en')('signIn')).toBe('Sign in');
    expect(translator('zh')('login.locked', { s: 30 })).toBe('登录失败次数过多，请 30 秒后再试');
    expect(translator('en')('login.locked')).toContain('{s}');
  });

  it('looks up keys built at run time, with a fallback for unknown ones', () => {
    const t = translator('zh');
    expect(lookup(t, 'flag.abuse.insult')).toBe('辱骂');
    expect(lookup(t, 'flag.abuse.new_kind', 'abuse.new_kind')).toBe('abuse.new_kind');
    expect(isKey('toString')).toBe(false);
  });

  it('keeps the language chosen', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(savedLanguage(storage)).toBe('zh');
    saveLanguage('en', storage);
    expect(savedLanguage(storage)).toBe('en');
    expect(savedLanguage(undefined)).toBe('zh');
  });
});
