import { Flex, Switch, Typography } from '@/components/ui';
import { useT } from '@/i18n';

/** Match only what fits the source's TRL and budget, or widen the net. */
export function FitSwitch({ fit, onChange }: { fit: boolean; onChange: (fit: boolean) => void }) {
  const t = useT();
  return (
    <Flex gap={8} align="center" wrap>
      <Switch checked={fit} onChange={onChange} aria-label={t('match.fit')} />
      <Typography.Text>{t('match.fit')}</Typography.Text>
      <Typography.Text type="secondary">{t('match.fit.hint')}</Typography.Text>
    </Flex>
  );
}
