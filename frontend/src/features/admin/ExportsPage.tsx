import { useState } from 'react';

import { DownloadButton } from '@/components/files/DownloadButton';
import { Alert, Button, Card, Col, DateInput, Descriptions, Flex, Form, icons, Input, InputNumber, PageHeader, Progress, Radio, Row, Select, Space, Typography, useShowError } from '@/components/ui';
import { useScans, useRequestScan } from '@/hooks/queries/integrity';
import { useIndexStatus, useReindex } from '@/hooks/queries/matches';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { DATASETS, type ExportValues, exportPath } from './exportPath';

function ExportCard() {
  const t = useT();
  const [form] = Form.useForm<ExportValues>();
  const values = (Form.useWatch([], form) as ExportValues | undefined) ?? { dataset: 'claims', format: 'xlsx' };
  const [done, setDone] = useState<string | null>(null);
  return (
    <Card title={t('exports.title')}>
      <Form<ExportValues> form={form} layout="vertical" initialValues={{ dataset: 'claims', format: 'xlsx' }} data-testid="export-form">
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item name="dataset" label={t('exports.dataset')} extra={t(`exports.dataset.${values.dataset}.explain`)}>
              <Select options={DATASETS.map((d) => ({ value: d, label: t(`exports.dataset.${d}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={4}>
            <Form.Item name="format" label={t('exports.format')}>
              <Radio.Group optionType="button" options={[{ value: 'xlsx', label: 'XLSX' }, { value: 'csv', label: 'CSV' }]} />
            </Form.Item>
          </Col>
          <Col xs={12} md={3}>
            <Form.Item name="since" label={t('audit.since')}>
              <DateInput />
            </Form.Item>
          </Col>
          <Col xs={12} md={3}>
            <Form.Item name="until" label={t('audit.until')}>
              <DateInput />
            </Form.Item>
          </Col>
          <Col xs={12} md={3}>
            <Form.Item name="broker_id" label={values.dataset === 'audit' ? t('audit.actorId') : t('exports.brokerId')}>
              <InputNumber min={1} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={3}>
            <Form.Item name="region" label={t('common.region')}>
              <Input disabled={values.dataset === 'audit'} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      <DownloadButton
        kind="primary"
        path={exportPath(values)}
        filename={`techbroker-${values.dataset}.${values.format}`}
        data-testid="export-download"
        onDone={(result) => setDone(t('exports.done', { name: result.filename, kb: Math.max(1, Math.round(result.size / 1024)) }))}
      >
        {t('exports.download')}
      </DownloadButton>
      {done === null ? null : <Alert type="success" showIcon role="status" message={done} style={{ marginTop: 12 }} />}
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        {t('exports.more')}
      </Typography.Paragraph>
      <Space wrap style={{ marginTop: 8 }}>
        <DownloadButton kind="link" path="/api/v1/demands/export?format=csv" filename="demands.csv">
          {t('exports.demands')}
        </DownloadButton>
        <DownloadButton kind="link" path="/api/v1/achievements/export?format=csv" filename="achievements.csv">
          {t('exports.achievements')}
        </DownloadButton>
        <DownloadButton kind="link" path="/api/v1/matches/feedback/export" filename="match_feedback.csv">
          {t('exports.matchFeedback')}
        </DownloadButton>
      </Space>
    </Card>
  );
}

/** Rebuild the matching indexes; progress shows as each corpus's version on disk moves on. */
function ReindexCard() {
  const t = useT();
  const showError = useShowError();
  const reindex = useReindex();
  const [baseline, setBaseline] = useState<Record<string, number | null> | null>(null);
  const status = useIndexStatus(true);
  const corpora = status.data?.corpora ?? [];
  const rebuilt = baseline === null ? 0 : corpora.filter((c) => c.disk_version !== (baseline[c.corpus] ?? null)).length;
  const running = baseline !== null && rebuilt < corpora.length;

  return (
    <Card title={t('maintenance.reindex')}>
      <Typography.Paragraph type="secondary">{t('maintenance.reindex.explain')}</Typography.Paragraph>
      <Descriptions
        size="small"
        column={1}
        items={corpora.map((c) => ({
          key: c.corpus,
          label: `${t(`listingKind.${c.kind}`)} · ${c.corpus}`,
          children: t('maintenance.reindex.version', { disk: c.disk_version ?? '—', loaded: c.loaded_version ?? '—', documents: c.documents ?? '—' }),
        }))}
      />
      <Space direction="vertical" style={{ width: '100%', marginTop: 12 }}>
        <Button
          icon={<icons.ReloadOutlined />}
          loading={reindex.isPending}
          disabled={running}
          data-testid="reindex"
          onClick={() => {
            setBaseline(Object.fromEntries(corpora.map((c) => [c.corpus, c.disk_version])));
            reindex.mutate(undefined, { onError: (error) => { setBaseline(null); showError(error); } });
          }}
        >
          {t('maintenance.reindex.start')}
        </Button>
        {baseline === null ? null : (
          <div role="status" aria-live="polite">
            <Progress percent={corpora.length === 0 ? 100 : Math.round((rebuilt / corpora.length) * 100)} status={running ? 'active' : 'success'} />
            <Typography.Text type="secondary">{running ? t('maintenance.reindex.running', { done: rebuilt, total: corpora.length }) : t('maintenance.reindex.done')}</Typography.Text>
          </div>
        )}
      </Space>
    </Card>
  );
}

/** Run every integrity rule over every open claim; the newest scan shows when it finishes. */
function ScanCard() {
  const t = useT();
  const showError = useShowError();
  const request = useRequestScan();
  const [waitingSince, setWaitingSince] = useState<number | null>(null);
  const scans = useScans(waitingSince !== null);
  const latest = scans.data?.items[0];
  const finishedNew = waitingSince !== null && latest !== undefined && latest.finished_at !== null && new Date(latest.started_at).getTime() >= waitingSince - 5_000;
  if (finishedNew) setWaitingSince(null);

  return (
    <Card title={t('maintenance.scan')}>
      <Typography.Paragraph type="secondary">{t('maintenance.scan.explain')}</Typography.Paragraph>
      <Flex vertical gap={8}>
        <Button
          icon={<icons.SafetyCertificateOutlined />}
          loading={request.isPending || waitingSince !== null}
          data-testid="integrity-scan"
          onClick={() => {
            setWaitingSince(Date.now());
            request.mutate(undefined, { onError: (error) => { setWaitingSince(null); showError(error); } });
          }}
        >
          {t('maintenance.scan.start')}
        </Button>
        {waitingSince !== null ? <Progress percent={99} status="active" showInfo={false} aria-label={t('maintenance.scan.running')} /> : null}
        {latest === undefined ? null : (
          <Typography.Text type="secondary">
            {t('maintenance.scan.latest', {
              at: formatDateTime(latest.started_at),
              claims: latest.claims_scanned,
              raised: latest.flags_raised,
              cleared: latest.flags_cleared,
              ms: latest.duration_ms,
            })}
          </Typography.Text>
        )}
      </Flex>
    </Card>
  );
}

export function ExportsPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('nav.admin.exports')} subtitle={t('exports.subtitle')} />
      <Flex vertical gap={16}>
        <ExportCard />
        <Row gutter={16}>
          <Col xs={24} lg={12}>
            <ReindexCard />
          </Col>
          <Col xs={24} lg={12}>
            <ScanCard />
          </Col>
        </Row>
      </Flex>
    </>
  );
}
