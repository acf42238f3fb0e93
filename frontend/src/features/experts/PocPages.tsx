import { useState } from 'react';

import { downloadFile } from '@/api/files';
import type { Achievement, ExpertCandidate, PocRequest } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  PageHeader,
  ReasonDialog,
  Space,
  StatCard,
  Switch,
  Table,
  type TableColumns,
  Tag,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useDecidePoc, useDeclinePoc, usePocAction, usePocCandidates, usePocReport, usePocRequests, usePocStats, useRequestPoc, useSwapSeat } from '@/hooks/queries/experts';
import { useT } from '@/i18n';
import { formatDate } from '@/lib/dates';

import { DossierFiles } from './DossierFiles';
import { MixEditor } from './ExpertConflicts';
import { PocStatusTag, SeatTag } from './ExpertPages';
import { ReviewsTable } from './ReviewForm';

/** The report as PDF or XLSX (the institute's once decided; the organiser's at any time). */
function ReportDownload({ request }: { request: PocRequest }) {
  const t = useT();
  const showError = useShowError();
  const [busy, setBusy] = useState<'pdf' | 'xlsx' | null>(null);
  const get = (format: 'pdf' | 'xlsx') => {
    setBusy(format);
    downloadFile(`/api/v1/poc-requests/${request.id}/report.${format}`, `poc-report-${request.id}.${format}`)
      .catch((e: unknown) => showError(e))
      .finally(() => setBusy(null));
  };
  return (
    <Space wrap size={4}>
      <Button size="small" loading={busy === 'pdf'} data-testid={`poc-report-pdf-${request.id}`} onClick={() => get('pdf')}>
        {t('experts.report.pdf')}
      </Button>
      <Button size="small" loading={busy === 'xlsx'} onClick={() => get('xlsx')}>
        {t('experts.report.xlsx')}
      </Button>
    </Space>
  );
}

/** Field fit as a person reads it: the cosine of the expert's profile and the item, in percent. */
function fitPercent(similarity: string | number): string {
  return `${Math.round(Math.min(1, Math.max(0, Number(similarity))) * 100)}%`;
}

/** The panel of a request: each seat's expert, kind, field fit and answer. */
function Panel({ request }: { request: PocRequest }) {
  const t = useT();
  const seats = (request.panel ?? []).filter((s) => s.status !== 'removed');
  if (seats.length === 0) return null;
  return (
    <Space direction="vertical" size={4}>
      {seats.map((s) => (
        <Space key={s.id} wrap size={4}>
          <Typography.Text>{`${t(`expertKind.${s.kind}`)}：${s.expert_name}（${s.organisation_name}）`}</Typography.Text>
          <Typography.Text type="secondary" title={t('experts.poc.similarityHelp')}>{`${t('experts.poc.similarity')} ${fitPercent(s.similarity)}`}</Typography.Text>
          <SeatTag status={s.status} />
        </Space>
      ))}
    </Space>
  );
}

/** Every verified expert for a request: field fit, load, conflicts in words; swap one into a
 *  seat of their kind that has not been accepted yet. */
function Candidates({ request }: { request: PocRequest }) {
  const t = useT();
  const candidates = usePocCandidates(request.id);
  const swap = useSwapSeat();
  const showError = useShowError();
  const open = (request.panel ?? []).filter((s) => s.status === 'proposed' || s.status === 'invited');
  const seated = new Set((request.panel ?? []).map((s) => s.expert_id));
  const columns: TableColumns<ExpertCandidate> = [
    { key: 'name', title: t('experts.name'), render: (_, c) => `${c.name}（${c.organisation_name}）` },
    { key: 'kind', title: t('experts.kind'), width: 100, render: (_, c) => t(`expertKind.${c.kind}`) },
    { key: 'fit', title: t('experts.poc.similarity'), width: 90, align: 'right', render: (_, c) => <span title={t('experts.poc.similarityHelp')}>{fitPercent(c.similarity)}</span> },
    { key: 'load', title: t('experts.load'), width: 110, render: (_, c) => `${c.load} / ${c.yearly_capacity}` },
    {
      key: 'conflicts',
      title: t('experts.conflicts'),
      render: (_, c) =>
        c.conflicts.length === 0 ? '—' : (
          <Space direction="vertical" size={0}>
            {c.conflicts.map((x, i) => <Typography.Text key={i} type="danger">{`${t(`conflict.${x.kind}`)}：${x.message_zh}`}</Typography.Text>)}
          </Space>
        ),
    },
    {
      key: 'swap',
      title: t('common.actions'),
      render: (_, c) => {
        const seat = open.find((s) => s.kind === c.kind);
        if (seat === undefined || seated.has(c.expert_id) || c.conflicts.length > 0) return null;
        return (
          <Button size="small" loading={swap.isPending} onClick={() => swap.mutate({ id: request.id, assignmentId: seat.id, expertId: c.expert_id }, { onError: (e) => showError(e) })}>
            {t('experts.poc.swapIn', { name: seat.expert_name })}
          </Button>
        );
      },
    },
  ];
  return <Table<ExpertCandidate> rowKey="expert_id" size="small" pagination={false} columns={columns} dataSource={candidates.data} loading={candidates.isPending} scroll={{ x: 720 }} />;
}

function Report({ request }: { request: PocRequest }) {
  const t = useT();
  const report = usePocReport(request.id);
  const decide = useDecidePoc();
  const [form] = Form.useForm<{ passed: boolean; reviewed_trl: number; summary: string }>();
  const showError = useShowError();
  const data = report.data;
  if (data === undefined || data.aggregate === null) return null;
  const criteria = data.aggregate.criteria.map((c) => ({ code: c.code, weight: c.weight, low: 1, high: 5 }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>
        {`${t('experts.aggregate.mean')} ${data.aggregate.overall_mean} · ${t('experts.aggregate.median')} ${data.aggregate.overall_median} · MAD ${data.aggregate.overall_mad}`}
      </Typography.Text>
      <Space wrap>
        {data.aggregate.criteria.filter((c) => c.disagreement).map((c) => (
          <Tag key={c.code} tone="warning">{`${t('experts.aggregate.disagreement')}：${t(`criterion.${c.code}`)}（${t('experts.aggregate.spread')} ${c.spread}）`}</Tag>
        ))}
      </Space>
      <ReviewsTable reviews={data.reviews} criteria={criteria} />
      {request.needs_attention ? (
        <Form form={form} layout="inline" aria-label={t('experts.poc.decide')} initialValues={{ passed: true, reviewed_trl: request.declared_trl, summary: '' }}
          onFinish={(body) => decide.mutate({ id: request.id, body }, { onError: (e) => showError(e) })}>
          <Form.Item name="passed" label={t('experts.poc.passed')} valuePropName="checked"><Switch /></Form.Item>
          <Form.Item name="reviewed_trl" label={t('experts.reviewedTrl')}><InputNumber min={1} max={9} precision={0} /></Form.Item>
          <Form.Item name="summary" label={t('experts.summary')}><Input maxLength={5000} /></Form.Item>
          <Button kind="primary" htmlType="submit" loading={decide.isPending}>{t('experts.poc.decide')}</Button>
        </Form>
      ) : null}
    </Space>
  );
}

/** Administrators: requests, their proposed panels (accept, confirm), outcomes, statistics. */
export function PocRequestsPage() {
  const t = useT();
  const requests = usePocRequests();
  const stats = usePocStats();
  const action = usePocAction();
  const decline = useDeclinePoc();
  const [declining, setDeclining] = useState<number | null>(null);
  const showError = useShowError();
  const columns: TableColumns<PocRequest> = [
    { key: 'title', title: t('experts.poc.achievement'), render: (_, r) => <Space direction="vertical" size={0}><span>{r.achievement_title}</span><Typography.Text type="secondary">{r.organisation_name}</Typography.Text></Space> },
    { key: 'status', title: t('common.status'), width: 130, render: (_, r) => <PocStatusTag status={r.status} /> },
    { key: 'trl', title: 'TRL', width: 90, render: (_, r) => `${r.declared_trl}${r.reviewed_trl === null ? '' : ` → ${r.reviewed_trl}`}` },
    { key: 'panel', title: t('experts.poc.panel'), render: (_, r) => <Panel request={r} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, r) => (
        <Space wrap>
          {r.status === 'requested' ? (
            <>
              <Button size="small" kind="primary" data-testid={`poc-accept-${r.id}`} loading={action.isPending} onClick={() => action.mutate({ id: r.id, action: 'accept' }, { onError: (e) => showError(e) })}>{t('experts.poc.accept')}</Button>
              <Button size="small" onClick={() => setDeclining(r.id)}>{t('experts.poc.decline')}</Button>
            </>
          ) : null}
          {(r.panel ?? []).some((s) => s.status === 'proposed') ? (
            <Button size="small" kind="primary" data-testid={`poc-confirm-${r.id}`} loading={action.isPending} onClick={() => action.mutate({ id: r.id, action: 'confirm' }, { onError: (e) => showError(e) })}>{t('experts.poc.confirm')}</Button>
          ) : null}
          {r.needs_attention ? <Tag tone="danger">{t('experts.poc.attention')}</Tag> : null}
          {(r.panel ?? []).some((s) => s.status === 'submitted') ? <ReportDownload request={r} /> : null}
        </Space>
      ),
    },
  ];
  return (
    <>
      <PageHeader title={t('nav.experts.poc')} subtitle={t('experts.poc.subtitle')} />
      {stats.data === undefined ? null : (
        <Space wrap style={{ marginBottom: 16 }}>
          <StatCard title={t('experts.poc.stats.requests')} value={stats.data.total.requests} />
          <StatCard title={t('experts.poc.stats.passRate')} value={stats.data.total.pass_rate === null ? null : Number(stats.data.total.pass_rate) * 100} precision={0} suffix="%" />
          <StatCard title={t('experts.poc.stats.days')} value={stats.data.total.median_days_to_decision === null ? null : Number(stats.data.total.median_days_to_decision)} precision={1} />
        </Space>
      )}
      <Card>
        <Table<PocRequest>
          rowKey="id"
          columns={columns}
          dataSource={requests.data}
          loading={requests.isPending}
          pagination={false}
          scroll={{ x: 760 }}
          expandable={{
            rowExpandable: () => true,
            expandedRowRender: (r) => (
              <Space direction="vertical" style={{ width: '100%' }}>
                {r.status === 'requested' ? (
                  <MixEditor requestId={r.id} loading={action.isPending} onAccept={(mix) => action.mutate({ id: r.id, action: 'accept', mix }, { onError: (e) => showError(e) })} />
                ) : null}
                {r.status === 'panel' || r.status === 'reviewing' ? <Candidates request={r} /> : null}
                <Report request={r} />
                <DossierFiles requestId={r.id} editable={false} />
              </Space>
            ),
          }}
        />
      </Card>
      <ReasonDialog
        open={declining !== null}
        title={t('experts.poc.decline')}
        okText={t('experts.poc.decline')}
        loading={decline.isPending}
        onCancel={() => setDeclining(null)}
        onSubmit={(note) => decline.mutate({ id: declining ?? 0, note }, { onSuccess: () => setDeclining(null), onError: (e) => showError(e) })}
      />
    </>
  );
}

/** An institute's own requests and their outcomes. */
export function InstitutePocPage() {
  const t = useT();
  const requests = usePocRequests();
  const columns: TableColumns<PocRequest> = [
    { key: 'title', title: t('experts.poc.achievement'), render: (_, r) => r.achievement_title },
    { key: 'status', title: t('common.status'), width: 140, render: (_, r) => <PocStatusTag status={r.status} /> },
    { key: 'trl', title: 'TRL', width: 90, render: (_, r) => `${r.declared_trl}${r.reviewed_trl === null ? '' : ` → ${r.reviewed_trl}`}` },
    { key: 'summary', title: t('experts.summary'), render: (_, r) => r.summary ?? '—' },
    { key: 'report', title: t('common.actions'), width: 160, render: (_, r) => (r.status === 'passed' || r.status === 'not_passed' ? <ReportDownload request={r} /> : null) },
  ];
  const open = (r: PocRequest) => r.status === 'requested' || r.status === 'panel' || r.status === 'reviewing';
  return (
    <>
      <PageHeader title={t('nav.institute.poc')} subtitle={t('experts.poc.requestHint')} />
      <Card>
        <Table<PocRequest>
          rowKey="id"
          columns={columns}
          dataSource={requests.data}
          loading={requests.isPending}
          pagination={false}
          scroll={{ x: 560 }}
          expandable={{
            // The dossier is always shown under its request (there are few requests per institute).
            showExpandColumn: false,
            rowExpandable: (r) => r.status !== 'declined',
            expandedRowKeys: (requests.data ?? []).filter((r) => r.status !== 'declined').map((r) => r.id),
            expandedRowRender: (r) => <DossierFiles requestId={r.id} editable={open(r)} />,
          }}
        />
      </Card>
    </>
  );
}

/** On an institute's own achievement: ask for a proof-of-concept review. */
export function PocRequestCard({ achievement }: { achievement: Achievement }) {
  const t = useT();
  const ask = useRequestPoc();
  const [form] = Form.useForm<{ note: string; publish_summary: boolean }>();
  const message = useMessage();
  const showError = useShowError();
  if (achievement.status !== 'published') return null;
  return (
    <Card title={t('experts.poc.request')} style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{t('experts.poc.requestHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" aria-label={t('experts.poc.request')} data-testid="poc-request-form" initialValues={{ note: '', publish_summary: true }}
        onFinish={(values) => ask.mutate({ achievement_id: achievement.id, ...values }, { onSuccess: () => void message.success(t('experts.poc.requested')), onError: (e) => showError(e) })}>
        <Form.Item name="note" label={t('experts.poc.note')}><Input.TextArea rows={3} maxLength={5000} /></Form.Item>
        <Form.Item name="publish_summary" label={t('experts.poc.publish')} valuePropName="checked"><Switch /></Form.Item>
        <Button kind="primary" htmlType="submit" loading={ask.isPending} data-testid="poc-request-submit">{t('experts.poc.request')}</Button>
      </Form>
    </Card>
  );
}

/** On a listing: the 通过概念验证 badge, the reviewed TRL beside the declared one, the summary. */
export function PocBadge({ achievement }: { achievement: Achievement }) {
  const t = useT();
  // Absent (an older answer) or null: no review outcome yet.
  if (achievement.reviewed_trl == null && achievement.poc_passed_on == null) return null;
  return (
    <Alert
      type={achievement.poc_passed_on ? 'success' : 'info'}
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="poc-badge"
      message={
        <Space wrap>
          {achievement.poc_passed_on ? <Tag tone="success">{t('experts.badgeOn', { date: formatDate(achievement.poc_passed_on) })}</Tag> : null}
          <span>{`${t('experts.reviewedTrl')} ${achievement.reviewed_trl ?? '—'} · ${t('experts.declaredTrl')} ${achievement.trl}`}</span>
        </Space>
      }
      description={achievement.poc_summary ?? undefined}
    />
  );
}
