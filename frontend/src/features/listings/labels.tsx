import type { AchievementStatus, CooperationMode, DemandStatus, Visibility } from '@/api/types';
import { Space, Tag, type Tone } from '@/components/ui';
import { useT } from '@/i18n';

const DEMAND_TONE: Record<DemandStatus, Tone> = {
  draft: 'neutral',
  published: 'success',
  in_negotiation: 'info',
  fulfilled: 'success',
  closed: 'neutral',
  expired: 'warning',
  withdrawn: 'neutral',
};

const ACHIEVEMENT_TONE: Record<AchievementStatus, Tone> = {
  draft: 'neutral',
  published: 'success',
  transferred: 'info',
  withdrawn: 'neutral',
};

export function DemandStatusTag({ status }: { status: DemandStatus }) {
  const t = useT();
  return <Tag tone={DEMAND_TONE[status]}>{t(`demandStatus.${status}`)}</Tag>;
}

export function AchievementStatusTag({ status }: { status: AchievementStatus }) {
  const t = useT();
  return <Tag tone={ACHIEVEMENT_TONE[status]}>{t(`achievementStatus.${status}`)}</Tag>;
}

export function VisibilityTag({ visibility }: { visibility: Visibility }) {
  const t = useT();
  return <Tag tone={visibility === 'public' ? 'info' : 'warning'}>{t(`visibility.${visibility}`)}</Tag>;
}

export function ModeTags({ modes }: { modes: readonly string[] }) {
  const t = useT();
  return (
    <Space size={[0, 4]} wrap>
      {modes.map((mode) => (
        <Tag key={mode}>{isMode(mode) ? t(`mode.${mode}`) : mode}</Tag>
      ))}
    </Space>
  );
}

const MODE_SET = new Set<string>(['development', 'transfer', 'licensing', 'consulting', 'service', 'joint_rd']);
function isMode(value: string): value is CooperationMode {
  return MODE_SET.has(value);
}
