import { useState } from 'react';
import { Link } from 'react-router';

import type { MatchPair } from '@/api/types';
import { BudgetRange, Card, Col, EmptyState, List, LoadError, Money, PageHeader, Row, Segmented, Space, Tag, Typography } from '@/components/ui';
import { useFieldCodeName, useFieldName } from '@/features/listings/fields';
import { useMatchFeed } from '@/hooks/queries/matches';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { ClaimButton } from './ClaimButton';
import { MatchReasons, MatchScore } from './MatchReasons';

const DAY_OPTIONS = [7, 14, 30, 90] as const;

function Pair({ pair }: { pair: MatchPair }) {
  const t = useT();
  const fieldName = useFieldName();
  const { demand, achievement } = pair;
  return (
    <Row gutter={16} style={{ width: '100%' }}>
      <Col xs={24} md={12}>
        <Typography.Text type="secondary">
          {t('listings.tab.demands')}
          {pair.new_side === 'demand' ? <Tag tone="success">{t('match.new')}</Tag> : null}
        </Typography.Text>
        <div>
          <Link to={`/listings/demands/${demand.id}`}>{demand.title}</Link>
        </div>
        <Space size={[8, 4]} wrap>
          <span>{demand.party.organisation_id === null && demand.party.anonymous ? t('common.anonymousFirm') : demand.party.name}</span>
          <Tag tone="info">{fieldName(demand.field)}</Tag>
          <span>{demand.region}</span>
          <BudgetRange min={demand.budget_min} max={demand.budget_max} />
        </Space>
      </Col>
      <Col xs={24} md={12}>
        <Typography.Text type="secondary">
          {t('listings.tab.achievements')}
          {pair.new_side === 'achievement' ? <Tag tone="success">{t('match.new')}</Tag> : null}
        </Typography.Text>
        <div>
          <Link to={`/listings/achievements/${achievement.id}`}>{achievement.title}</Link>
        </div>
        <Space size={[8, 4]} wrap>
          <span>{achievement.party.name}</span>
          <Tag>{t('trl.value', { level: achievement.trl })}</Tag>
          <span>{achievement.price === null ? t('achievement.price.negotiable') : <Money value={achievement.price} rounded />}</span>
        </Space>
      </Col>
    </Row>
  );
}

/** A broker's best new demand–achievement pairs in their fields, to claim. */
export function MatchFeedPage() {
  const t = useT();
  const fieldCodeName = useFieldCodeName();
  const [days, setDays] = useState<number>(14);
  const feed = useMatchFeed(days);

  return (
    <>
      <PageHeader
        title={t('nav.broker.matches')}
        subtitle={
          feed.data === undefined
            ? t('match.feed.subtitle')
            : feed.data.field_codes.length === 0
              ? t('match.feed.allFields', { since: formatDateTime(feed.data.since) })
              : t('match.feed.fields', { fields: feed.data.field_codes.map(fieldCodeName).join(t('list.separator')), since: formatDateTime(feed.data.since) })
        }
        extra={
          <Segmented<number>
            aria-label={t('match.feed.window')}
            value={days}
            onChange={setDays}
            options={DAY_OPTIONS.map((value) => ({ value, label: t('match.feed.days', { days: value }) }))}
          />
        }
      />
      <Card>
        {feed.isError ? (
          <LoadError error={feed.error} retry={() => void feed.refetch()} />
        ) : (
          <List<MatchPair>
            loading={feed.isPending}
            dataSource={feed.data?.items ?? []}
            locale={{ emptyText: <EmptyState description={t('match.feed.empty')} /> }}
            renderItem={(pair) => (
              <List.Item data-testid="match-item" actions={[<ClaimButton key="claim" demandId={pair.demand.id} achievementId={pair.achievement.id} />]}>
                <Space direction="vertical" size={6} style={{ width: '100%' }}>
                  <MatchScore score={pair.score} parts={pair.parts} />
                  <Pair pair={pair} />
                  <MatchReasons reasons={pair.reasons} />
                </Space>
              </List.Item>
            )}
          />
        )}
      </Card>
    </>
  );
}
