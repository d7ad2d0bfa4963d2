import { commonEn, commonZh } from './strings/common.ts';
import { deskEn, deskZh } from './strings/desk.ts';
import { manageEn, manageZh } from './strings/manage.ts';
import { wallboardEn, wallboardZh } from './strings/wallboard.ts';

/**
 * The console's text: Simplified Chinese first, English on the toggle (kept in
 * localStorage). Each part keeps its strings in its own file under strings/ (a `…Zh`
 * object `as const` and a `…En: Record<keyof typeof …Zh, string>`, so a missing
 * translation fails the typecheck); this module joins them.
 *
 * @example
 *   const t = translator('zh');
 *   t('login.locked', { s: 30 }); // '登录失败次数过多，请 30 秒后再试'
 */
const zh = { ...commonZh, ...deskZh, ...wallboardZh, ...manageZh };
const en: Record<Key, string> = { ...commonEn, ...deskEn, ...wallboardEn, ...manageEn };

export type Key = keyof typeof zh;
export type Lang = 'zh' | 'en';
export type Translate = (key: Key, vars?: Readonly<Record<string, string | number>>) => string;

const STORAGE_KEY = 'console-language';

export function isKey(key: string): key is Key {
  return Object.hasOwn(zh, key);
}

export function translator(lang: Lang): Translate {
  const table: Record<Key, string> = lang === 'en' ? en : zh;
  return (key, vars) => {
    const text = table[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
  };
}

/** A key built at run time (`flag.${kind}.${category}`): its text, or `fallback` when no such key. */
export function lookup(t: Translate, key: string, fallback = key): string {
  return isKey(key) ? t(key) : fallback;
}

export function timeOfDay(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

export function savedLanguage(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Lang {
  return storage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
}

export function saveLanguage(lang: Lang, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  storage?.setItem(STORAGE_KEY, lang);
}
