import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { saveLanguage, savedLanguage, translator, type Lang, type Translate } from './i18n.ts';

/** The language in use for the whole app, and its toggle. `useI18n()` gives `{ lang, t, toggle }`. */
export interface I18n {
  readonly lang: Lang;
  readonly t: Translate;
  readonly toggle: () => void;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(() => savedLanguage());
  const value = useMemo<I18n>(() => ({
    lang,
    t: translator(lang),
    toggle: () => setLang((now) => {
      const next = now === 'zh' ? 'en' : 'zh';
      saveLanguage(next);
      return next;
    }),
  }), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = value.t('title');
  }, [lang, value]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside <I18nProvider>');
  return i18n;
}
