// The server writes messages for people in both languages, Chinese first, in one string:
// "未找到该通知。No such notification." The UI shows the half in the reader's language.
import { DEFAULT_LOCALE, type Locale } from './types';

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;
const QUOTED = /“[^”]*”|"[^"]*"|「[^」]*」|‘[^’]*’|'[^']*'/g;

/**
 * Split "中文。English." into its halves: the first place after Chinese where the rest
 * starts with a Latin letter, a digit or a quote and has no Chinese outside quotes (user
 * data in the English half is quoted). Null when the text is in one language only.
 */
export function splitBilingual(text: string): { zh: string; en: string } | null {
  for (let i = 1; i < text.length; i += 1) {
    if (!CJK.test(text.charAt(i - 1))) continue;
    const rest = text.slice(i).trimStart();
    if (!/^[A-Za-z0-9“"‘'(]/.test(rest) || !/[A-Za-z]/.test(rest)) continue;
    if (CJK.test(rest.replace(QUOTED, ''))) continue;
    return { zh: text.slice(0, i).trim(), en: rest.trim() };
  }
  return null;
}

/** The reader's half of a server message; the whole text when it is not bilingual. */
export function inLanguage(text: string, locale: Locale): string {
  const halves = splitBilingual(text);
  if (halves === null) return text;
  return locale === 'zh-CN' ? halves.zh : halves.en;
}

// The UI's language for code outside React (the API client's errors); I18nProvider keeps it.
let current: Locale = DEFAULT_LOCALE;

export function setServerTextLocale(locale: Locale): void {
  current = locale;
}

/** A server message in the UI's current language. */
export function localiseServerText(text: string): string {
  return inLanguage(text, current);
}
