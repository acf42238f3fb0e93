import { useState } from 'react';
import { Link } from 'react-router';

import type { MatchPair } from '@/api/types';
import { BudgetRange, Button, Card, Col, EmptyState, Flex, Input, List, LoadError, Money, PageHeader, Row, Segmented, Space, Tag, Typography } from '@/components/ui';
import { FieldSelect } from '@/features/listings/FieldSelect';
import { useFieldCodeName, useFieldName } from '@/features/listings/fields';
import { useMatchFeed } from '@/hooks/queries/matches';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { ClaimButton } from './ClaimButton';
import { MatchReasons, MatchScore } from './MatchReasons';

const DAY_OPTIONS = [7, 14, 30, 90] as const;
const PAGE_SIZE = 20;

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

/** A broker's best new demand–achievement pairs, in their fields or one they pick, narrowed
 *  by words and region, a page at a time; each pair can be claimed. */
export function MatchFeedPage() {
  const t = useT();
  const fieldCodeName = useFieldCodeName();
  const [days, setDays] = useState<number>(14);
  const [fieldId, setFieldId] = useState<number | null>(null);
  const [q, setQ] = useState('');
  const [region, setRegion] = useState('');
  const [page, setPage] = useState(1);
  const feed = useMatchFeed({ days, field_id: fieldId, q: q || undefined, region: region || undefined, page, page_size: PAGE_SIZE });
  const narrow = <V,>(set: (value: V) => void) => (value: V) => {
    set(value);
    setPage(1);
  };

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
            onChange={narrow(setDays)}
            options={DAY_OPTIONS.map((value) => ({ value, label: t('match.feed.days', { days: value }) }))}
          />
        }
      />
      <Card>
        <Space wrap style={{ marginBottom: 16, width: '100%' }} data-testid="feed-filters">
          <div style={{ width: 220, maxWidth: '100%' }}>
            <FieldSelect allowClear value={fieldId} onChange={narrow(setFieldId)} placeholder={t('roles.feed.field')} aria-label={t('roles.feed.field')} />
          </div>
          <Input.Search allowClear placeholder={t('roles.feed.q')} aria-label={t('roles.feed.q')} onSearch={narrow(setQ)} style={{ width: 220, maxWidth: '100%' }} data-testid="feed-q" />
          <Input.Search allowClear placeholder={t('roles.feed.region')} aria-label={t('roles.feed.region')} onSearch={narrow(setRegion)} style={{ width: 160, maxWidth: '100%' }} data-testid="feed-region" />
        </Space>
        {feed.isError ? (
          <LoadError error={feed.error} retry={() => void feed.refetch()} />
        ) : (
          <>
            <List<MatchPair>
              loading={feed.isPending || feed.isPlaceholderData}
              dataSource={feed.data?.items ?? []}
              locale={{ emptyText: <EmptyState description={t('match.feed.empty')} /> }}
              renderItem={(pair) => (
                <List.Item data-testid="match-item" actions={[<ClaimButton key="claim" demandId={pair.demand.id} achievementId={pair.achievement.id} />]}>
                  <Space direction="vertical" size={6} style={{ width: '100%' }}>
                    <MatchScore score={pair.score} parts={pair.parts} reasons={pair.reasons} />
                    <Pair pair={pair} />
                    <MatchReasons reasons={pair.reasons} />
                  </Space>
                </List.Item>
              )}
            />
            <Flex justify="center" align="center" gap={12} style={{ marginTop: 16 }} data-testid="feed-pager">
              <Button disabled={page === 1} onClick={() => setPage(page - 1)}>
                {t('roles.feed.previous')}
              </Button>
              <Typography.Text>{t('roles.feed.page', { page })}</Typography.Text>
              <Button disabled={feed.data?.has_more !== true} onClick={() => setPage(page + 1)} data-testid="feed-next">
                {t('roles.feed.next')}
              </Button>
            </Flex>
          </>
        )}
      </Card>
    </>
  );
}
