import type { Achievement, Demand } from '@/api/types';
import { BudgetRange, Descriptions, Money, Space, Tag, Typography } from '@/components/ui';
import { useT } from '@/i18n';
import { formatDate, formatDateTime } from '@/lib/dates';

import { useFieldName } from './fields';
import { AchievementStatusTag, DemandStatusTag, ModeTags, VisibilityTag } from './labels';

export function DemandDetails({ demand }: { demand: Demand }) {
  const t = useT();
  const fieldName = useFieldName();
  const party = demand.party;
  return (
    <Descriptions
      column={{ xs: 1, md: 2 }}
      bordered
      size="small"
      items={[
        { key: 'status', label: t('common.status'), children: <DemandStatusTag status={demand.status} /> },
        { key: 'field', label: t('common.field'), children: fieldName(demand.field) },
        { key: 'party', label: t('demand.party'), children: party.organisation_id === null && party.anonymous ? t('common.anonymousFirm') : party.name },
        { key: 'region', label: t('common.region'), children: demand.region },
        {
          key: 'budget',
          label: t('demand.budget'),
          children: <BudgetRange min={demand.budget_min} max={demand.budget_max} />,
        },
        { key: 'modes', label: t('listing.modes'), children: <ModeTags modes={demand.modes} /> },
        { key: 'trl', label: t('demand.minTrl'), children: demand.min_trl === null ? t('common.notAvailable') : t('trl.value', { level: demand.min_trl }) },
        { key: 'deadline', label: t('demand.deadline'), children: formatDate(demand.deadline) },
        { key: 'visibility', label: t('demand.visibility'), children: <VisibilityTag visibility={demand.visibility} /> },
        { key: 'published', label: t('listing.publishedAt'), children: formatDateTime(demand.published_at) },
        {
          key: 'keywords',
          label: t('common.keywords'),
          span: 'filled',
          children: (
            <Space size={[0, 4]} wrap>
              {demand.keywords.map((word) => (
                <Tag key={word}>{word}</Tag>
              ))}
            </Space>
          ),
        },
        {
          key: 'description',
          label: t('demand.description'),
          span: 'filled',
          children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{demand.description}</Typography.Paragraph>,
        },
        ...(party.contact_person === null
          ? []
          : [{ key: 'contact', label: t('listing.contact'), span: 'filled' as const, children: [party.contact_person, party.phone, party.email].filter(Boolean).join(' · ') }]),
      ]}
    />
  );
}

export function AchievementDetails({ achievement }: { achievement: Achievement }) {
  const t = useT();
  const fieldName = useFieldName();
  return (
    <Descriptions
      column={{ xs: 1, md: 2 }}
      bordered
      size="small"
      items={[
        { key: 'status', label: t('common.status'), children: <AchievementStatusTag status={achievement.status} /> },
        { key: 'field', label: t('common.field'), children: fieldName(achievement.field) },
        { key: 'party', label: t('achievement.party'), children: achievement.party.name },
        { key: 'region', label: t('common.region'), children: achievement.region },
        { key: 'trl', label: t('trl.label'), children: t('trl.value', { level: achievement.trl }) },
        { key: 'stage', label: t('achievement.stage'), children: t(`techStage.${achievement.stage}`) },
        {
          key: 'price',
          label: t('achievement.price'),
          children: achievement.price === null ? t('achievement.price.negotiable') : <Money value={achievement.price} rounded />,
        },
        { key: 'modes', label: t('listing.modes'), children: <ModeTags modes={achievement.modes} /> },
        { key: 'lead', label: t('achievement.teamLead'), children: achievement.team_lead },
        { key: 'published', label: t('listing.publishedAt'), children: formatDateTime(achievement.published_at) },
        {
          key: 'ip',
          label: t('achievement.ipItems'),
          span: 'filled',
          children:
            achievement.ip_items.length === 0 ? (
              t('achievement.ipItems.none')
            ) : (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {achievement.ip_items.map((item) => (
                  <li key={`${item.kind}-${item.number ?? item.title}`}>
                    {t(`ipKind.${item.kind}`)} {item.number ?? ''} · {item.title}
                  </li>
                ))}
              </ul>
            ),
        },
        {
          key: 'abstract',
          label: t('achievement.abstract'),
          span: 'filled',
          children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{achievement.abstract}</Typography.Paragraph>,
        },
      ]}
    />
  );
}
