import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';

import { BROKER_LEVELS, type BrokerLevel, type BrokerRecord, type DirectoryEntry } from '@/api/types';
import { Chart, type ChartOption } from '@/components/charts';
import {
  Button,
  Card,
  Col,
  Descriptions,
  EmptyState,
  Input,
  LoadError,
  Money,
  PageHeader,
  QueryState,
  Row,
  Select,
  Space,
  StatCard,
  Table,
  type TableColumns,
  Tag,
  Timeline,
  Typography,
} from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useFieldCodeName } from '@/features/listings/fields';
import { useDirectory, useDirectoryEntry } from '@/hooks/queries/intake';
import { useT } from '@/i18n';
import { formatDate } from '@/lib/dates';

import { LevelTag } from './labels';

/** The public broker directory: grade, fields, region, languages and the computed record. */
export function DirectoryPage() {
  const t = useT();
  const navigate = useNavigate();
  const fieldCodeName = useFieldCodeName();
  const [params, setParams] = useSearchParams();
  const field = params.get('field') ?? undefined;
  const [q, setQ] = useState('');
  const [level, setLevel] = useState<BrokerLevel | undefined>();
  const [region, setRegion] = useState('');
  const [page, setPage] = useState(1);
  const directory = useDirectory({ q: q || undefined, field, level, region: region || undefined, page, page_size: 20 });
  const columns: TableColumns<DirectoryEntry> = [
    {
      key: 'name',
      title: t('intake.directory.broker'),
      render: (_, e) => (
        <Space size={4} wrap>
          <Link to={`/brokers/${e.broker_id}`}>{e.display_name}</Link>
          <LevelTag level={e.level} />
        </Space>
      ),
    },
    { key: 'agency', title: t('intake.directory.agency'), render: (_, e) => e.agency_name ?? t('intake.directory.independent') },
    { key: 'fields', title: t('intake.directory.fields'), render: (_, e) => e.fields.map(fieldCodeName).join(t('list.separator')) },
    { key: 'region', title: t('common.region'), width: 100, render: (_, e) => e.region || '—' },
    { key: 'deals', title: t('intake.record.registered'), width: 90, align: 'right', render: (_, e) => e.record.deals_registered },
    { key: 'value', title: t('intake.record.value'), align: 'right', render: (_, e) => <Money value={e.record.confirmed_value} /> },
  ];
  return (
    <>
      <PageHeader title={t('nav.intake.directory')} subtitle={t('intake.directory.subtitle')} />
      <Card>
        <Space style={{ marginBottom: 16 }} wrap>
          <Input.Search allowClear placeholder={t('intake.directory.search')} aria-label={t('intake.directory.search')} onSearch={(v) => { setQ(v); setPage(1); }} style={{ width: 220 }} />
          <Select<BrokerLevel>
            allowClear
            style={{ width: 140 }}
            placeholder={t('intake.directory.level')}
            aria-label={t('intake.directory.level')}
            value={level}
            onChange={(v) => { setLevel(v); setPage(1); }}
            options={BROKER_LEVELS.map((l) => ({ value: l, label: t(`brokerLevel.${l}`) }))}
          />
          <Input allowClear placeholder={t('common.region')} aria-label={t('common.region')} value={region} onChange={(e) => { setRegion(e.target.value); setPage(1); }} style={{ width: 140 }} />
          {field === undefined ? null : (
            <Space size={0} data-testid="directory-field">
              <Tag tone="info">
                {t('common.field')}: {fieldCodeName(field)}
              </Tag>
              <Button kind="link" size="small" onClick={() => { setParams({}); setPage(1); }}>
                {t('common.all')}
              </Button>
            </Space>
          )}
        </Space>
        {directory.isError ? (
          <LoadError error={directory.error} retry={() => void directory.refetch()} />
        ) : (
          <Table<DirectoryEntry>
            rowKey="broker_id"
            columns={columns}
            dataSource={directory.data?.items}
            loading={directory.isPending}
            scroll={{ x: 720 }}
            onRow={(e) => ({ onDoubleClick: () => void navigate(`/brokers/${e.broker_id}`) })}
            pagination={{ current: page, total: directory.data?.total ?? 0, onChange: setPage }}
            locale={{ emptyText: <EmptyState description={t('intake.directory.none')} /> }}
          />
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('intake.directory.note')}
        </Typography.Paragraph>
      </Card>
    </>
  );
}

function RecordCards({ record }: { record: BrokerRecord }) {
  const t = useT();
  return (
    <Row gutter={[16, 16]}>
      <Col xs={12} md={8} lg={4}>
        <StatCard title={t('intake.record.introductions')} value={record.introductions} />
      </Col>
      <Col xs={12} md={8} lg={4}>
        <StatCard title={t('intake.record.registered')} value={record.deals_registered} />
      </Col>
      <Col xs={24} md={8} lg={5}>
        <StatCard title={t('intake.record.value')} value={Number(record.confirmed_value)} precision={2} suffix={t('money.yuan')} />
      </Col>
      <Col xs={12} md={8} lg={4}>
        <StatCard title={t('intake.record.medianDays')} value={record.median_days_to_signing === null ? null : Number(record.median_days_to_signing)} precision={1} />
      </Col>
      <Col xs={12} md={8} lg={4}>
        <StatCard title={t('intake.record.lostShare')} value={record.lost_share === null ? null : Number(record.lost_share) * 100} precision={1} suffix="%" />
      </Col>
      <Col xs={12} md={8} lg={3}>
        <StatCard title={t('intake.record.findings')} value={record.upheld_findings} />
      </Col>
    </Row>
  );
}

/** One broker's public page: profile, record, its chart by quarter, grade history. */
export function BrokerProfilePage() {
  const t = useT();
  const id = Number(useParams().brokerId);
  const entry = useDirectoryEntry(id);
  const session = useSession();
  const navigate = useNavigate();
  const firm = session.status === 'authenticated' && session.user.role === 'firm';
  const fieldCodeName = useFieldCodeName();
  return (
    <QueryState isPending={entry.isPending} error={entry.error} retry={() => void entry.refetch()}>
      {entry.data === undefined
        ? null
        : (() => {
            const e = entry.data;
            const option: ChartOption = {
              tooltip: { trigger: 'axis' },
              legend: { top: 0 },
              grid: { left: 48, right: 48, top: 36, bottom: 24 },
              xAxis: { type: 'category', data: e.quarters.map((q) => q.quarter) },
              yAxis: [
                { type: 'value', name: t('intake.record.count'), minInterval: 1 },
                { type: 'value', name: t('money.yuan') },
              ],
              series: [
                { name: t('intake.record.introductions'), type: 'bar', data: e.quarters.map((q) => q.introductions) },
                { name: t('intake.record.registered'), type: 'bar', data: e.quarters.map((q) => q.deals_registered) },
                { name: t('intake.record.value'), type: 'line', yAxisIndex: 1, data: e.quarters.map((q) => Number(q.confirmed_value)) },
              ],
            };
            return (
              <>
                <PageHeader
                  title={e.display_name}
                  subtitle={t('nav.intake.directory')}
                  extra={
                    <Space wrap>
                      {firm ? (
                        <Button kind="primary" onClick={() => void navigate(`/firm/help?broker=${e.broker_id}`)} data-testid="ask-this-broker">
                          {t('intake.directory.askThisBroker')}
                        </Button>
                      ) : null}
                      <Button onClick={() => void navigate(-1)}>{t('common.back')}</Button>
                    </Space>
                  }
                />
                <Card>
                  <Descriptions
                    column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}
                    bordered
                    size="small"
                    items={[
                      { key: 'level', label: t('intake.directory.level'), children: <LevelTag level={e.level} /> },
                      { key: 'agency', label: t('intake.directory.agency'), children: e.agency_name ?? t('intake.directory.independent') },
                      { key: 'fields', label: t('intake.directory.fields'), children: e.fields.map((f) => <Tag key={f}>{fieldCodeName(f)}</Tag>) },
                      { key: 'region', label: t('common.region'), children: e.region || '—' },
                      { key: 'languages', label: t('intake.directory.languages'), children: e.languages.join('、') || '—' },
                      { key: 'bio', label: t('intake.directory.bio'), span: 'filled', children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{e.bio || '—'}</Typography.Paragraph> },
                    ]}
                  />
                </Card>
                <Card title={t('intake.record')} style={{ marginTop: 16 }}>
                  <RecordCards record={e.record} />
                  <div role="img" aria-label={t('intake.record.byQuarter')} style={{ marginTop: 16 }}>
                    <Chart option={option} height={280} />
                  </div>
                  <Typography.Paragraph type="secondary">{t('intake.directory.note')}</Typography.Paragraph>
                </Card>
                <Card title={t('intake.grades.history')} style={{ marginTop: 16 }}>
                  {e.grade_history.length === 0 ? (
                    <Typography.Text type="secondary">{t('intake.grades.noChanges')}</Typography.Text>
                  ) : (
                    <Timeline
                      items={e.grade_history.map((c) => ({
                        key: c.changed_at,
                        color: c.reason === 'promotion' ? 'green' : 'red',
                        children: t(`intake.grades.change.${c.reason}`, { at: formatDate(c.changed_at), from: t(`brokerLevel.${c.from_level}`), to: t(`brokerLevel.${c.to_level}`) }),
                      }))}
                    />
                  )}
                </Card>
              </>
            );
          })()}
    </QueryState>
  );
}
