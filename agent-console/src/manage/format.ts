import type { Lang } from '../i18n/i18n.ts';

/** A date and time as the manager reads them (2026/12/1 09:24:23 in Chinese). */
export function dateTime(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}
