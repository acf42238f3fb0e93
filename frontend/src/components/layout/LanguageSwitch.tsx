import { Button, icons } from '@/components/ui';
import { useLocale, useT } from '@/i18n';

/** Toggles zh-CN ⇄ en-US; the choice is kept in localStorage. `compact`: the globe only. */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const t = useT();
  const { locale, setLocale } = useLocale();
  return (
    <Button
      kind="text"
      icon={<icons.GlobalOutlined />}
      aria-label={t('locale.switchLabel')}
      onClick={() => setLocale(locale === 'zh-CN' ? 'en-US' : 'zh-CN')}
    >
      {compact ? null : t('locale.switchTo')}
    </Button>
  );
}
