import { inLanguage, useLocale } from '@/i18n';

/** A message the server wrote in both languages, shown in the reader's. */
export function ServerText({ text }: { text: string | null | undefined }) {
  const { locale } = useLocale();
  if (text === null || text === undefined || text === '') return null;
  return <>{inLanguage(text, locale)}</>;
}
