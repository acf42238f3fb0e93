export { I18nProvider } from './I18nProvider';
export { createTranslate, formatMessage } from './translate';
export { DEFAULT_LOCALE, LOCALES } from './types';
export type { Locale, MessageKey, Messages, MessageValues, Translate } from './types';
export { useLocale, useT } from './useT';
export { inLanguage, localiseServerText, splitBilingual } from './serverText';
