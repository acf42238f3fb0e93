import { use } from 'react';

import { I18nContext } from './context';
import type { Locale, Translate } from './types';

/** The translate function for the current locale: t('nav.home'), t('workspace.welcome', { name }). */
export function useT(): Translate {
  return use(I18nContext).t;
}

export function useLocale(): { locale: Locale; setLocale: (locale: Locale) => void } {
  const { locale, setLocale } = use(I18nContext);
  return { locale, setLocale };
}
