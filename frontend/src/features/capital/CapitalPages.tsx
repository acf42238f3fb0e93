import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { API_ENUMS } from '@/api/enums';
import { ApiError } from '@/api/problem';
import type { CapitalGroup, FeedItem, FinancingInterest, FinancingRequest, Instrument, Roadshow } from '@/api/types';
import {
  ActionButton,
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  MoneyInput,
  Row,
  Select,
  PageHeader,
  Progress,
  ReasonDialog,
  Space,
  StatCard,
  Table,
  type TableColumns,
  Tag,
  Typography,
  icons,
  useMessage,
  useShowError,
} from '@/components/ui';
import {
  useAnswerOutcome,
  useAsk,
  useCapitalStats,
  useCapitalTotals,
  useFilteredFeed,
  type FeedFilters,
  useFinancingAction,
  useFinancingInterests,
  useFinancingRequest,
  useFinancingRequests,
  useMarkInterest,
  useRecordOutcome,
  useRoadshowAction,
  useRoadshows,
  useThreads,
} from '@/hooks/queries/capital';
import { useSession } from '@/features/accounts/useSession';
import { FieldSelect } from '@/features/listings/FieldSelect';
import { useFieldCodeName } from '@/features/listings/fields';
import { useLocale, useT } from '@/i18n';
import { localiseServerText } from '@/i18n/serverText';
import { formatDate, formatDateTime } from '@/lib/dates';
import { formatAmount } from '@/lib/money';

import { InvestorFinancingDossier, OwnerFinancingDossier } from './FinancingDossier';
import { FollowUpSelect, InvitedInvestors, RoadshowInvitations } from './RoadshowForms';

/** How well a request fits the mandate, as a bar with its percentage (never a raw decimal). */
function FitBar({ score }: { score: number }) {
  const percent = Math.max(0, Math.min(100, Math.round(score * 100)));
  return <Progress percent={percent} steps={5} size="small" format={(p) => `${p ?? 0}%`} />;
}

/** Amounts as officials write them ("150 万元", "¥1,500,000"), in the reader's language. */
function useYuan(): (yuan: string) => string {
  const { locale } = useLocale();
  return (yuan) => formatAmount(yuan, locale);
}

type Stage = NonNullable<FeedFilters['stage']>;
const STAGES: Stage[] = ['research', 'development', 'industrialisation'];

function base(role: string | undefined): string {
  return role === 'investor' ? '/investor' : role === 'institute' ? '/institute' : role === 'admin' ? '/admin' : '/firm';
}

function PocBadge({ request }: { request: FinancingRequest }) {
  const t = useT();
  if (!request.poc_passed_on) return null;
  return <Tag tone="success">{`${t('capital.pocPassed')} ${formatDate(request.poc_passed_on)}`}</Tag>;
}

function RequestFacts({ request }: { request: FinancingRequest }) {
  const yuan = useYuan();
  const t = useT();
  return (
    <Space wrap size={4}>
      <Tag>{t(`instrument.${request.instrument}`)}</Tag>
      <Tag>{`TRL ${request.trl_current}→${request.trl_target}`}</Tag>
      {request.reviewed_trl ? <Tag tone="info">{`${t('capital.reviewedTrl')} ${request.reviewed_trl}`}</Tag> : null}
      <Typography.Text strong>{yuan(request.amount)}</Typography.Text>
      <Typography.Text type="secondary">{request.region}</Typography.Text>
      <PocBadge request={request} />
    </Space>
  );
}

/** The investor's feed: published requests that fit the mandate, best first, narrowed by the
 *  investor's filters (inside the mandate, never beyond it). */
export function InvestorFeedPage() {
  const t = useT();
  const [filters, setFilters] = useState<FeedFilters>({});
  const feed = useFilteredFeed(filters);
  const set = (patch: Partial<FeedFilters>) => setFilters((current) => ({ ...current, ...patch }));
  const columns: TableColumns<FeedItem> = [
    {
      key: 'title', title: t('capital.request'), render: (_, item) => (
        <Space direction="vertical" size={2}>
          <Link to={`/investor/requests/${item.request.id}`} data-testid={`feed-${item.request.id}`}>{item.request.title}</Link>
          <Typography.Text type="secondary">{item.request.organisation_name}</Typography.Text>
          <RequestFacts request={item.request} />
        </Space>
      ),
    },
    { key: 'score', title: t('capital.score'), width: 90, align: 'right', render: (_, item) => <FitBar score={item.score} /> },
    { key: 'interest', title: t('capital.myInterest'), width: 130, render: (_, item) => (item.interest ? <Tag>{t(`interestStatus.${item.interest}`)}</Tag> : '—') },
  ];
  const problem = feed.error instanceof ApiError ? feed.error.problem : null;
  return (
    <>
      <PageHeader title={t('capital.feed.title')} subtitle={t('capital.feed.subtitle')}
        extra={<Link to="/investor/mandate">{t('capital.mandate.title')}</Link>} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap data-testid="feed-filters">
          <div style={{ width: 220, maxWidth: '100%' }}>
            <FieldSelect allowClear placeholder={t('common.field')} aria-label={t('common.field')} value={filters.field_id ?? null} onChange={(v) => set({ field_id: v ?? undefined })} />
          </div>
          <Select<Instrument> allowClear placeholder={t('capital.stats.instrument')} aria-label={t('capital.stats.instrument')} style={{ width: 160 }}
            value={filters.instrument ?? undefined} onChange={(v) => set({ instrument: v })} data-testid="feed-instrument"
            options={API_ENUMS.Instrument.map((i) => ({ value: i, label: t(`instrument.${i}`) }))} />
          <Select<Stage> allowClear placeholder={t('capital.stats.stage')} aria-label={t('capital.stats.stage')} style={{ width: 200 }}
            value={filters.stage ?? undefined} onChange={(v) => set({ stage: v })} data-testid="feed-stage"
            options={STAGES.map((s) => ({ value: s, label: t(`capital.stage.${s}`) }))} />
          <div style={{ width: 150 }}>
            <MoneyInput placeholder={t('capital.feed.amountMin')} aria-label={t('capital.feed.amountMin')} value={filters.amount_min == null ? null : String(filters.amount_min)} onChange={(v) => set({ amount_min: v ?? undefined })} />
          </div>
          <div style={{ width: 150 }}>
            <MoneyInput placeholder={t('capital.feed.amountMax')} aria-label={t('capital.feed.amountMax')} value={filters.amount_max == null ? null : String(filters.amount_max)} onChange={(v) => set({ amount_max: v ?? undefined })} />
          </div>
          <Input.Search allowClear placeholder={t('common.region')} aria-label={t('common.region')} style={{ width: 160, maxWidth: '100%' }}
            onSearch={(v) => set({ region: v.trim() === '' ? undefined : v.trim() })} data-testid="feed-region" />
          <Checkbox checked={filters.poc_passed === true} onChange={(e) => set({ poc_passed: e.target.checked ? true : undefined })} data-testid="feed-poc">
            {t('capital.pocPassed')}
          </Checkbox>
        </Space>
      </Card>
      {problem !== null && problem.status === 409 ? (
        <Alert type="info" showIcon message={t('capital.feed.noMandate')} action={<Link to="/investor/mandate">{t('capital.mandate.title')}</Link>} style={{ marginBottom: 16 }} />
      ) : feed.error ? <Alert type="error" showIcon message={localiseServerText(problem?.detail ?? problem?.title ?? t('error.unexpected'))} style={{ marginBottom: 16 }} /> : null}
      <Table rowKey={(item) => item.request.id} columns={columns} dataSource={feed.data?.items ?? []} loading={feed.isFetching} />
    </>
  );
}

/** The requests the caller may see: an owner's own, with a link to each. */
export function MyFinancingPage() {
  const t = useT();
  const session = useSession();
  const user = session.status === 'authenticated' ? session.user : undefined;
  const requests = useFinancingRequests();
  const navigate = useNavigate();
  const columns: TableColumns<FinancingRequest> = [
    { key: 'title', title: t('capital.request'), render: (_, r) => <Link to={`${base(user?.role)}/financing/${r.id}`}>{r.title}</Link> },
    { key: 'facts', title: t('capital.facts'), render: (_, r) => <RequestFacts request={r} /> },
    { key: 'status', title: t('capital.status'), width: 110, render: (_, r) => <Tag>{t(`financingStatus.${r.status}`)}</Tag> },
  ];
  return (
    <>
      <PageHeader title={t('capital.mine.title')} subtitle={t('capital.mine.subtitle')}
        extra={<Button kind="primary" icon={<icons.PlusOutlined />} data-testid="financing-new" onClick={() => void navigate(`${base(user?.role)}/financing/new`)}>{t('capital.form.new')}</Button>} />
      <Table rowKey="id" columns={columns} dataSource={requests.data?.items ?? []} loading={requests.isLoading} />
    </>
  );
}

function Threads({ request, owner }: { request: FinancingRequest; owner: boolean }) {
  const t = useT();
  const threads = useThreads(request.id);
  const ask = useAsk();
  const showError = useShowError();
  const [text, setText] = useState<Record<number, string>>({});
  const send = (investorId?: number) => {
    const body = text[investorId ?? 0]?.trim();
    if (!body) return;
    ask.mutate({ id: request.id, body, investorId }, {
      onSuccess: () => setText({ ...text, [investorId ?? 0]: '' }),
      onError: (e) => showError(e),
    });
  };
  const box = (investorId?: number) => (
    <Space.Compact style={{ width: '100%' }}>
      <Input value={text[investorId ?? 0] ?? ''} maxLength={2000} aria-label={t('capital.thread.message')}
        data-testid={`thread-input-${investorId ?? 'mine'}`}
        onChange={(e) => setText({ ...text, [investorId ?? 0]: e.target.value })} />
      <Button kind="primary" loading={ask.isPending} onClick={() => send(investorId)}>{owner ? t('capital.thread.answer') : t('capital.thread.ask')}</Button>
    </Space.Compact>
  );
  return (
    <Card title={t('capital.thread.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        {(threads.data ?? []).map((thread) => (
          <Card key={thread.investor_id} size="small" title={thread.investor_name}>
            {thread.messages.map((m) => (
              <Typography.Paragraph key={m.id} style={{ marginBottom: 4 }}>
                <Tag>{t(`questionSide.${m.side}`)}</Tag>
                {m.body}
                <Typography.Text type="secondary">{` · ${formatDateTime(m.created_at)}`}</Typography.Text>
              </Typography.Paragraph>
            ))}
            {owner ? box(thread.investor_id) : null}
          </Card>
        ))}
        {!owner && request.status === 'published' ? box() : null}
        {owner && (threads.data ?? []).length === 0 ? <Typography.Text type="secondary">{t('capital.thread.none')}</Typography.Text> : null}
      </Space>
    </Card>
  );
}

function Interests({ request, owner }: { request: FinancingRequest; owner: boolean }) {
  const yuan = useYuan();
  const t = useT();
  const interests = useFinancingInterests(request.id);
  const answer = useAnswerOutcome();
  const showError = useShowError();
  const message = useMessage();
  const [disputing, setDisputing] = useState<FinancingInterest | null>(null);
  const columns: TableColumns<FinancingInterest> = [
    { key: 'who', title: t('capital.investor'), render: (_, i) => i.organisation_name },
    { key: 'status', title: t('capital.status'), render: (_, i) => <Tag>{t(`interestStatus.${i.status}`)}</Tag> },
    { key: 'amount', title: t('capital.amount'), align: 'right', render: (_, i) => (i.amount ? yuan(i.amount) : '—') },
    { key: 'confirmation', title: t('capital.confirmation'), render: (_, i) => (i.confirmation ? <Tag tone={i.confirmation === 'confirmed' ? 'success' : i.confirmation === 'disputed' ? 'danger' : 'warning'}>{t(`confirmation.${i.confirmation}`)}</Tag> : '—') },
    {
      key: 'actions', title: '', render: (_, i) => (owner && i.confirmation === 'pending' ? (
        <Space>
          <Button size="small" kind="primary" data-testid={`confirm-${i.id}`} onClick={() => answer.mutate({ id: request.id, interestId: i.id }, { onSuccess: () => { void message.success(t('capital.confirmed')); }, onError: (e) => showError(e) })}>{t('capital.confirm')}</Button>
          <Button size="small" danger onClick={() => setDisputing(i)}>{t('capital.dispute')}</Button>
        </Space>
      ) : null),
    },
  ];
  return (
    <Card title={t('capital.interests')}>
      <Table rowKey="id" columns={columns} dataSource={interests.data ?? []} loading={interests.isLoading} pagination={false} />
      <ReasonDialog open={disputing !== null} title={t('capital.dispute')} okText={t('capital.dispute')} danger
        onCancel={() => setDisputing(null)}
        onSubmit={(reason) => disputing && answer.mutate({ id: request.id, interestId: disputing.id, reason }, { onSuccess: () => setDisputing(null), onError: (e) => showError(e) })} />
    </Card>
  );
}

function InvestorActions({ request }: { request: FinancingRequest }) {
  const yuan = useYuan();
  const t = useT();
  const interests = useFinancingInterests(request.id);
  const mark = useMarkInterest();
  const outcome = useRecordOutcome();
  const showError = useShowError();
  const mine = interests.data?.[0];
  const [form] = Form.useForm<{ amount: string }>();
  if (!mine) {
    return request.status === 'published' ? (
      <Button kind="primary" data-testid="mark-interest" loading={mark.isPending} onClick={() => mark.mutate({ id: request.id }, { onError: (e) => showError(e) })}>{t('capital.markInterest')}</Button>
    ) : null;
  }
  const record = (status: 'term_sheet' | 'loan_approved') => {
    const amount = form.getFieldValue('amount') as string | undefined;
    outcome.mutate({ id: request.id, body: { status, amount: amount?.trim() === '' ? null : (amount ?? null) } }, { onError: (e) => showError(e) });
  };
  return (
    <Card title={t('capital.outcome')}>
      <Space direction="vertical">
        <Space wrap>
          <Tag>{t(`interestStatus.${mine.status}`)}</Tag>
          {mine.amount ? <Typography.Text>{yuan(mine.amount)}</Typography.Text> : null}
          {mine.confirmation ? <Tag>{t(`confirmation.${mine.confirmation}`)}</Tag> : null}
          {mine.dispute_reason ? <Typography.Text type="danger">{mine.dispute_reason}</Typography.Text> : null}
        </Space>
        {mine.confirmation !== 'confirmed' ? (
          <Form form={form} layout="inline">
            <Form.Item name="amount" label={t('capital.amountYuan')}>
              <Input inputMode="decimal" data-testid="outcome-amount" style={{ width: 160 }} />
            </Form.Item>
            <Button data-testid="record-term-sheet" onClick={() => record('term_sheet')}>{t('interestStatus.term_sheet')}</Button>
            <Button onClick={() => record('loan_approved')}>{t('interestStatus.loan_approved')}</Button>
          </Form>
        ) : null}
      </Space>
    </Card>
  );
}

function OwnerActions({ request, role }: { request: FinancingRequest; role: string | undefined }) {
  const t = useT();
  const act = useFinancingAction();
  const showError = useShowError();
  const message = useMessage();
  const navigate = useNavigate();
  const run = (action: 'publish' | 'withdraw' | 'close', done: string) =>
    act.mutate({ id: request.id, action }, { onSuccess: () => void message.success(done), onError: (e) => showError(e) });
  return (
    <Space wrap>
      {request.status === 'draft' ? (
        <>
          <Button data-testid="financing-edit" onClick={() => void navigate(`${base(role)}/financing/${request.id}/edit`)}>{t('common.edit')}</Button>
          <Button kind="primary" loading={act.isPending} data-testid="financing-publish-now" onClick={() => run('publish', t('capital.form.published'))}>{t('listing.publish')}</Button>
        </>
      ) : null}
      {request.status === 'published' ? (
        <ActionButton confirm={{ title: t('capital.close.confirm'), okText: t('capital.close'), testId: 'financing-close-ok' }} loading={act.isPending} data-testid="financing-close" onClick={() => run('close', t('capital.closed'))}>{t('capital.close')}</ActionButton>
      ) : null}
      {request.status === 'draft' || request.status === 'published' ? (
        <ActionButton danger confirm={{ title: t('capital.withdraw.confirm'), okText: t('capital.withdraw'), danger: true, testId: 'financing-withdraw-ok' }} loading={act.isPending} data-testid="financing-withdraw" onClick={() => run('withdraw', t('capital.withdrawn'))}>{t('capital.withdraw')}</ActionButton>
      ) : null}
    </Space>
  );
}

/** A financing request: its facts, the interest and outcomes, the question threads. */
export function FinancingRequestPage() {
  const t = useT();
  const session = useSession();
  const user = session.status === 'authenticated' ? session.user : undefined;
  const id = Number(useParams().financingId);
  const request = useFinancingRequest(id);
  if (!request.data) return <Card loading={request.isLoading} />;
  const r = request.data;
  const owner = user?.role !== 'investor' && user?.role !== 'admin';
  return (
    <>
      <PageHeader title={r.title} subtitle={`${r.organisation_name} · ${t(`financingSubject.${r.subject}`)} · ${t(`financingStatus.${r.status}`)}`}
        extra={owner ? <OwnerActions request={r} role={user?.role} /> : null} />
      <Space direction="vertical" style={{ width: '100%' }} size={16}>
        <Card>
          <RequestFacts request={r} />
          <Typography.Paragraph style={{ marginTop: 12 }}>{r.summary}</Typography.Paragraph>
          <Typography.Title level={5}>{t('capital.useOfFunds')}</Typography.Title>
          <Typography.Paragraph>{r.use_of_funds}</Typography.Paragraph>
          {r.milestones.length > 0 ? (
            <>
              <Typography.Title level={5}>{t('capital.form.milestones')}</Typography.Title>
              <ul data-testid="financing-milestones">
                {r.milestones.map((m, i) => <li key={i}>{`${formatDate(m.due_on)} · ${m.text}`}</li>)}
              </ul>
            </>
          ) : null}
          {r.audience === 'named' && owner ? <Tag>{t('financingAudience.named')}</Tag> : null}
        </Card>
        {user?.role === 'investor' ? <InvestorActions request={r} /> : <Interests request={r} owner={owner} />}
        {owner ? <OwnerFinancingDossier request={r} /> : null}
        {user?.role === 'investor' ? <InvestorFinancingDossier request={r} /> : null}
        <Threads request={r} owner={owner} />
      </Space>
    </>
  );
}

/** Roadshows: an investor registers and records interest after the event; an owner answers
 *  its invitations; an administrator marks a roadshow held. */
export function RoadshowsPage() {
  const yuan = useYuan();
  const t = useT();
  const session = useSession();
  const user = session.status === 'authenticated' ? session.user : undefined;
  const roadshows = useRoadshows();
  const navigate = useNavigate();
  const act = useRoadshowAction();
  const showError = useShowError();
  const onError = (e: unknown) => showError(e);
  const card = (show: Roadshow) => (
    <Card key={show.id} title={show.theme} data-testid={`roadshow-${show.id}`}
      extra={<Tag>{t(`roadshowStatus.${show.status}`)}</Tag>}>
      <Typography.Paragraph>
        {`${formatDateTime(show.starts_at)} ${t('capital.roadshow.beijing')} · ${show.place ?? ''} ${show.online_link ?? ''}`}
      </Typography.Paragraph>
      {user?.role === 'investor' && show.status === 'planned' && !show.registered ? (
        <Button kind="primary" data-testid={`register-${show.id}`} onClick={() => act.mutate({ kind: 'register', id: show.id }, { onError })}>{t('capital.roadshow.register')}</Button>
      ) : null}
      {show.description ? <Typography.Paragraph type="secondary">{show.description}</Typography.Paragraph> : null}
      {user?.role === 'admin' && show.status === 'planned' ? (
        <>
          <Space wrap>
            <Button data-testid={`roadshow-edit-${show.id}`} onClick={() => void navigate(`/admin/roadshows/${show.id}/edit`)}>{t('common.edit')}</Button>
            <ActionButton confirm={{ title: t('capital.roadshow.hold.confirm'), okText: t('capital.roadshow.hold'), testId: `roadshow-hold-ok-${show.id}` }} data-testid={`roadshow-hold-${show.id}`} onClick={() => act.mutate({ kind: 'hold', id: show.id }, { onError })}>{t('capital.roadshow.hold')}</ActionButton>
            <ActionButton danger confirm={{ title: t('capital.roadshow.cancel.confirm'), okText: t('capital.roadshow.cancel'), danger: true }} onClick={() => act.mutate({ kind: 'cancel', id: show.id }, { onError })}>{t('capital.roadshow.cancel')}</ActionButton>
          </Space>
          <RoadshowInvitations show={show} />
        </>
      ) : null}
      {user?.role === 'admin' ? <InvitedInvestors show={show} /> : null}
      {show.presentations.map((p) => (
        <Card key={p.request_id} size="small" style={{ marginTop: 8 }} title={p.title}>
          <Typography.Paragraph>{`${p.organisation_name} · ${yuan(p.amount)} · ${t(`instrument.${p.instrument}`)}`}</Typography.Paragraph>
          <Typography.Paragraph type="secondary">{p.summary}</Typography.Paragraph>
          {user?.role !== 'investor' ? <Tag>{t(`presentationConsent.${p.consent}`)}</Tag> : null}
          {(user?.role === 'firm' || user?.role === 'institute') && show.status === 'planned' ? (
            <Space>
              <Button size="small" kind="primary" data-testid={`consent-${show.id}-${p.request_id}`} onClick={() => act.mutate({ kind: 'consent', id: show.id, requestId: p.request_id, accept: true }, { onError })}>{t('capital.roadshow.accept')}</Button>
              <Button size="small" onClick={() => act.mutate({ kind: 'consent', id: show.id, requestId: p.request_id, accept: false }, { onError })}>{t('capital.roadshow.decline')}</Button>
            </Space>
          ) : null}
          {user?.role === 'investor' && show.status === 'held' ? <FollowUpSelect show={show} requestId={p.request_id} /> : null}
        </Card>
      ))}
    </Card>
  );
  return (
    <>
      <PageHeader title={t('capital.roadshow.title')} subtitle={t('capital.roadshow.subtitle')}
        extra={user?.role === 'admin' ? <Button kind="primary" icon={<icons.PlusOutlined />} data-testid="roadshow-new" onClick={() => void navigate('/admin/roadshows/new')}>{t('capital.roadshow.new')}</Button> : null} />
      <Space direction="vertical" style={{ width: '100%' }} size={16}>
        {(roadshows.data ?? []).map(card)}
        {roadshows.data?.length === 0 ? <Typography.Text type="secondary">{t('capital.roadshow.none')}</Typography.Text> : null}
      </Space>
    </>
  );
}

/** Administrators: money requested, committed and closed (confirmed only). */
export function CapitalStatsPage() {
  const yuan = useYuan();
  const t = useT();
  const stats = useCapitalStats();
  const s = stats.data;
  const fieldName = useFieldCodeName();
  const columns = (label: string, prefix: string): TableColumns<CapitalGroup> => [
    { key: 'key', title: label, render: (_, g) => (prefix ? t(`${prefix}${g.key}` as never) : fieldName(g.key)) },
    { key: 'requests', title: t('capital.stats.requests'), align: 'right', render: (_, g) => g.requests },
    { key: 'requested', title: t('capital.stats.requested'), align: 'right', render: (_, g) => yuan(g.requested) },
    { key: 'committed', title: t('capital.stats.committed'), align: 'right', render: (_, g) => yuan(g.committed) },
    { key: 'closed', title: t('capital.stats.closed'), align: 'right', render: (_, g) => yuan(g.closed) },
  ];
  return (
    <>
      <PageHeader title={t('capital.stats.title')} subtitle={t('capital.stats.subtitle')} />
      <Space wrap size={16} style={{ marginBottom: 16 }}>
        <StatCard title={t('capital.stats.requested')} value={s ? yuan(s.totals.requested) : null} loading={stats.isLoading} />
        <StatCard title={t('capital.stats.committed')} value={s ? yuan(s.totals.committed) : null} loading={stats.isLoading} />
        <StatCard title={t('capital.stats.closed')} value={s ? yuan(s.totals.closed) : null} loading={stats.isLoading} />
        <StatCard title={t('capital.stats.daysToInterest')} value={s?.days_to_first_interest ?? null} loading={stats.isLoading} />
        <StatCard title={t('capital.stats.daysToClose')} value={s?.days_to_close ?? null} loading={stats.isLoading} />
        <StatCard title={t('capital.stats.pocConversion')} value={s?.poc_conversion == null ? null : `${(s.poc_conversion * 100).toFixed(0)}%`} loading={stats.isLoading} />
        <StatCard title={t('capital.stats.pending')} value={s?.pending_confirmation ?? null} loading={stats.isLoading} />
      </Space>
      <Space direction="vertical" style={{ width: '100%' }} size={16}>
        <Table rowKey="key" columns={columns(t('capital.stats.field'), '')} dataSource={s?.by_field ?? []} pagination={false} />
        <Table rowKey="key" columns={columns(t('capital.stats.instrument'), 'instrument.')} dataSource={s?.by_instrument ?? []} pagination={false} />
        <Table rowKey="key" columns={columns(t('capital.stats.stage'), 'capital.stage.')} dataSource={s?.by_stage ?? []} pagination={false} />
      </Space>
    </>
  );
}

/** The public market page's capital figures: counts and sums only, confirmed money only. */
export function CapitalTotals() {
  const yuan = useYuan();
  const t = useT();
  const totals = useCapitalTotals();
  const d = totals.isError ? null : totals.data;
  const cards = [
    { key: 'requests', title: t('capital.totals.requests'), value: d ? d.requests : null },
    { key: 'requested', title: t('capital.totals.requested'), value: d ? yuan(d.requested) : null },
    { key: 'committed', title: t('capital.totals.committed'), value: d ? yuan(d.committed) : null },
    { key: 'closed', title: t('capital.totals.closed'), value: d ? yuan(d.closed) : null },
  ];
  return (
    <Row gutter={[16, 16]} data-testid="capital-totals">
      {cards.map((card) => (
        <Col key={card.key} xs={24} sm={12} lg={6}>
          <StatCard title={card.title} value={card.value} loading={totals.isPending} placeholder={t('common.notAvailable')} />
        </Col>
      ))}
    </Row>
  );
}
