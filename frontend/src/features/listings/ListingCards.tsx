import { Link } from 'react-router';

import type { Achievement, Demand } from '@/api/types';
import { BudgetRange, List, Money, Space, Tag, Typography } from '@/components/ui';
import { useT } from '@/i18n';
import { formatDate } from '@/lib/dates';

import { useFieldName } from './fields';
import { ModeTags } from './labels';


export function DemandItem({ demand, to }: { demand: Demand; to: string }) {
  const t = useT();
  const fieldName = useFieldName();
  return (
    <List.Item data-testid="demand-item">
      <List.Item.Meta
        title={<Link to={to}>{demand.title}</Link>}
        description={
          <Space direction="vertical" size={4} style={{ width: '100%' }}>
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
              {demand.description}
            </Typography.Paragraph>
            <Space size={[8, 4]} wrap>
              <Tag tone="info">{fieldName(demand.field)}</Tag>
              <span>{demand.region}</span>
              <span>{demand.party.anonymous && demand.party.organisation_id === null ? t('common.anonymousFirm') : demand.party.name}</span>
              <ModeTags modes={demand.modes} />
              {demand.min_trl === null ? null : <Tag>{t('listing.minTrl', { level: demand.min_trl })}</Tag>}
            </Space>
            <Space size={16} wrap>
              <span>
                {t('demand.budget')}: <BudgetRange min={demand.budget_min} max={demand.budget_max} />
              </span>
              {demand.deadline === null ? null : <span>{t('demand.deadlineOn', { date: formatDate(demand.deadline) })}</span>}
            </Space>
          </Space>
        }
      />
    </List.Item>
  );
}

export function AchievementItem({ achievement, to }: { achievement: Achievement; to: string }) {
  const t = useT();
  const fieldName = useFieldName();
  return (
    <List.Item data-testid="achievement-item">
      <List.Item.Meta
        title={<Link to={to}>{achievement.title}</Link>}
        description={
          <Space direction="vertical" size={4} style={{ width: '100%' }}>
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
              {achievement.abstract}
            </Typography.Paragraph>
            <Space size={[8, 4]} wrap>
              <Tag tone="info">{fieldName(achievement.field)}</Tag>
              <span>{achievement.region}</span>
              <span>{achievement.party.name}</span>
              <ModeTags modes={achievement.modes} />
              <Tag>{t('trl.value', { level: achievement.trl })}</Tag>
              <Tag>{t(`techStage.${achievement.stage}`)}</Tag>
            </Space>
            <span>
              {t('achievement.price')}:{' '}
              {achievement.price === null ? t('achievement.price.negotiable') : <Money value={achievement.price} rounded />}
              {achievement.price !== null && achievement.negotiable ? ` (${t('achievement.negotiable')})` : null}
            </span>
          </Space>
        }
      />
    </List.Item>
  );
}
