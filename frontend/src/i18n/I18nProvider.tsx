import 'dayjs/locale/zh-cn';

import dayjs from 'dayjs';
import { type ReactNode, useEffect, useMemo, useState } from 'react';

import { I18nContext, type I18nContextValue } from './context';
import { setServerTextLocale } from './serverText';
import { readStoredLocale, storeLocale } from './storage';
import { createTranslate } from './translate';
import type { Locale } from './types';

const DAYJS_LOCALE: Record<Locale, string> = { 'zh-CN': 'zh-cn', 'en-US': 'en' };

export function I18nProvider({ children, initialLocale }: { children: ReactNode; initialLocale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => initialLocale ?? readStoredLocale());

  // Before the children render: their API errors are worded in this language.
  setServerTextLocale(locale);

  useEffect(() => {
    document.documentElement.lang = locale;
    dayjs.locale(DAYJS_LOCALE[locale]);
  }, [locale]);

  const value = useMemo<I18nContextValue>(
    () => ({
      locale,
      setLocale: (next: Locale) => {
        storeLocale(next);
        setLocaleState(next);
      },
      t: createTranslate(locale),
    }),
    [locale],
  );

  return <I18nContext value={value}>{children}</I18nContext>;
}
