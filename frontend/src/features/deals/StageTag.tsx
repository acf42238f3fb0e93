import type { DealStage } from '@/api/types';
import { Tag, type Tone } from '@/components/ui';
import { useT } from '@/i18n';

const TONE: Record<DealStage, Tone> = {
  requested: 'warning',
  introduced: 'neutral',
  negotiating: 'info',
  signed: 'info',
  registered: 'warning',
  paid: 'success',
  closed: 'success',
  lost: 'danger',
  cancelled: 'danger',
};

export function StageTag({ stage }: { stage: DealStage }) {
  const t = useT();
  return <Tag tone={TONE[stage]}>{t(`stage.${stage}`)}</Tag>;
}
