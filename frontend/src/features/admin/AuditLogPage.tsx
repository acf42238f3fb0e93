import { useState } from 'react';

import { API_ENUMS } from '@/api/enums';
import type { AuditEntry } from '@/api/types';
import { DownloadButton } from '@/components/files/DownloadButton';
import { Alert, Button, Card, Col, DateInput, Form, icons, Input, InputNumber, LoadError, PageHeader, Row, Select, ServerText, Space, Table, type TableColumns, Typography, useShowError } from '@/components/ui';
import { EvidenceView } from '@/features/rewards/EvidenceView';
import { useAuditEntries, useVerifyAuditChain } from '@/hooks/queries/audit';
import { type Translate, useT } from '@/i18n';
import { type ApiEnum, codeLabel } from '@/i18n/codeLabels';
import { formatDateTime } from '@/lib/dates';

import { type AuditFilterValues, auditQuery } from './auditQuery';

function VerifyChain() {
  const t = useT();
  const verify = useVerifyAuditChain();
  const showError = useShowError();
  const result = verify.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button icon={<icons.SafetyCertificateOutlined />} loading={verify.isPending} onClick={() => verify.mutate(undefined, { onError: (e) => showError(e) })} data-testid="verify-chain">
        {t('audit.verify')}
      </Button>
      {verify.isPending ? <Typography.Text type="secondary">{t('audit.verify.running')}</Typography.Text> : null}
      {result === undefined ? null : result.ok ? (
        <Alert type="success" showIcon role="status" data-testid="verify-result" message={t('audit.verify.ok', { count: result.count })} description={t('audit.verify.head', { seq: result.head_seq, hash: result.head_hash })} />
      ) : (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="verify-result"
          message={t('audit.verify.broken', { seq: result.first_broken_seq ?? '?' })}
          description={
            <>
              <ServerText text={result.reason} /> {t('audit.verify.brokenHint')}
            </>
          }
        />
      )}
    </Space>
  );
}

/** A filter's choices: every code of the vocabulary, in words, searchable by them. */
function codeOptions(t: Translate, kind: ApiEnum) {
  return API_ENUMS[kind].map((code) => ({ value: code, label: codeLabel(t, kind, code) }));
}

/** The append-only, hash-chained audit log: filter it, read an entry's before and after, verify the chain. */
export function AuditLogPage() {
  const t = useT();
  const [form] = Form.useForm<AuditFilterValues>();
  const [filters, setFilters] = useState<AuditFilterValues>({});
  const [page, setPage] = useState(1);
  const entries = useAuditEntries(auditQuery(filters, page));

  const columns: TableColumns<AuditEntry> = [
    { key: 'seq', title: '#', width: 80, render: (_, e) => e.seq },
    { key: 'at', title: t('audit.at'), width: 160, render: (_, e) => formatDateTime(e.at) },
    { key: 'actor', title: t('audit.actor'), render: (_, e) => (e.actor_id === null ? e.actor_label : `${e.actor_label} (#${e.actor_id})`) },
    { key: 'action', title: t('audit.action'), render: (_, e) => codeLabel(t, 'AuditEntryOut.action', e.action) },
    { key: 'object', title: t('audit.object'), render: (_, e) => `${codeLabel(t, 'AuditEntryOut.object_type', e.object_type)} #${e.object_id}` },
    { key: 'ip', title: 'IP', render: (_, e) => e.ip ?? '—' },
    { key: 'hash', title: t('audit.hash'), render: (_, e) => <code title={e.hash}>{e.hash.slice(0, 10)}…</code> },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.admin.audit')}
        subtitle={t('audit.subtitle')}
        extra={
          <DownloadButton path={`/api/v1/exports/audit?format=csv${filters.since ? `&since=${filters.since}` : ''}${filters.until ? `&until=${filters.until}` : ''}`} filename="techbroker-audit.csv">
            {t('audit.export')}
          </DownloadButton>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <VerifyChain />
      </Card>
      <Card>
        <Form<AuditFilterValues>
          form={form}
          layout="vertical"
          onFinish={(values) => {
            setFilters(values);
            setPage(1);
          }}
          aria-label={t('audit.filters')}
        >
          <Row gutter={12}>
            <Col xs={24} md={6}>
              <Form.Item name="action" label={t('audit.action')}>
                <Select allowClear showSearch optionFilterProp="label" options={codeOptions(t, 'AuditEntryOut.action')} />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name="object_type" label={t('audit.objectType')}>
                <Select allowClear showSearch optionFilterProp="label" options={codeOptions(t, 'AuditEntryOut.object_type')} />
              </Form.Item>
            </Col>
            <Col xs={12} md={3}>
              <Form.Item name="object_id" label={t('audit.objectId')}>
                <Input allowClear />
              </Form.Item>
            </Col>
            <Col xs={12} md={3}>
              <Form.Item name="actor_id" label={t('audit.actorId')}>
                <InputNumber min={1} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name="since" label={t('audit.since')}>
                <DateInput />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name="until" label={t('audit.until')}>
                <DateInput />
              </Form.Item>
            </Col>
          </Row>
          <Space style={{ marginBottom: 16 }}>
            <Button kind="primary" htmlType="submit">
              {t('common.search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({});
                setPage(1);
              }}
            >
              {t('common.reset')}
            </Button>
          </Space>
        </Form>
        {entries.isError ? (
          <LoadError error={entries.error} retry={() => void entries.refetch()} />
        ) : (
          <Table<AuditEntry>
            rowKey="seq"
            size="small"
            columns={columns}
            dataSource={entries.data?.items}
            loading={entries.isFetching}
            pagination={{ current: page, pageSize: 50, total: entries.data?.total ?? 0, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
            expandable={{
              expandedRowRender: (entry) => (
                <Row gutter={16}>
                  <Col xs={24} md={12}>
                    <Typography.Text strong>{t('audit.before')}</Typography.Text>
                    <EvidenceView evidence={entry.before} />
                  </Col>
                  <Col xs={24} md={12}>
                    <Typography.Text strong>{t('audit.after')}</Typography.Text>
                    <EvidenceView evidence={entry.after} />
                  </Col>
                </Row>
              ),
            }}
          />
        )}
      </Card>
    </>
  );
}
