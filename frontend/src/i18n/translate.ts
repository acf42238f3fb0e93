import { enUS } from './en-US';
import type { Locale, MessageKey, Messages, MessageValues, Translate } from './types';
import { zhCN } from './zh-CN';

export const catalogues: Record<Locale, Messages> = { 'zh-CN': zhCN, 'en-US': enUS };

/** Replace {name} placeholders; an unknown placeholder is left as written. */
export function formatMessage(template: string, values?: MessageValues): string {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = values[name];
    return value === undefined ? match : String(value);
  });
}

export function createTranslate(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key: MessageKey, values?: MessageValues) => formatMessage(messages[key], values);
}
