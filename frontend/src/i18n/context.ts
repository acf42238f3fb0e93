import { createContext } from 'react';

import { createTranslate } from './translate';
import { DEFAULT_LOCALE, type Locale, type Translate } from './types';

export interface I18nContextValue {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
}

// Outside a provider (isolated component tests) strings render in zh-CN.
export const I18nContext = createContext<I18nContextValue>({
  locale: DEFAULT_LOCALE,
  setLocale: () => undefined,
  t: createTranslate(DEFAULT_LOCALE),
});
