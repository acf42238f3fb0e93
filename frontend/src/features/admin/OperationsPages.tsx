import { useState } from 'react';
import { Link } from 'react-router';

import { DEAL_STAGES, type Achievement, type DealStage, type DealSummary, type Demand, type FieldNode, type ListingKind, type PayoutBatch, type PayoutBatchStatus } from '@/api/types';
import {
  ActionButton,
  Button,
  Card,
  EmptyState,
  Form,
  Input,
  InputNumber,
  LoadError,
  Money,
  PageHeader,
  ReasonDialog,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  type TableColumns,
  Tag,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { BrokerPicker } from '@/features/deals/BrokerPicker';
import { StageTag } from '@/features/deals/StageTag';
import { useFieldName } from '@/features/listings/fields';
import { VisibilityTag } from '@/features/listings/labels';
import {
  useAllBrokers,
  useAssignDemandBroker,
  useCancelBatch,
  useCreateBatch,
  useCreateField,
  useHideListing,
  usePayBatch,
  usePayoutBatches,
  useUnassignDemandBroker,
  useUnhideListing,
  useUpdateField,
} from '@/hooks/queries/admin';
import { useDeals } from '@/hooks/queries/deals';
import { useAchievements, useDemands, useFieldTree } from '@/hooks/queries/listings';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

const PAGE_SIZE = 20;

/** Every deal on the platform, by stage, each opening on its page. */
export function AdminDealsPage() {
  const t = useT();
  const [stage, setStage] = useState<DealStage | undefined>();
  const [page, setPage] = useState(1);
  const deals = useDeals({ stage: stage === undefined ? undefined : [stage], page, page_size: PAGE_SIZE });
  const columns: TableColumns<DealSummary> = [
    { key: 'id', title: t('deal.numberShort'), width: 90, render: (_, d) => <Link to={`/admin/deals/${d.id}`}>{t('roles.admin.dealNo', { id: d.id })}</Link> },
    { key: 'stage', title: t('common.status'), width: 110, render: (_, d) => <StageTag stage={d.stage} /> },
    { key: 'demand', title: t('listingKind.demand'), render: (_, d) => <>{d.demand_title}<Typography.Text type="secondary"> · {d.demand_organisation ?? t('common.anonymousFirm')}</Typography.Text></> },
    { key: 'achievement', title: t('listingKind.achievement'), render: (_, d) => <>{d.achievement_title}<Typography.Text type="secondary"> · {d.achievement_organisation ?? t('common.notAvailable')}</Typography.Text></> },
    { key: 'amount', title: t('roles.admin.contractAmount'), align: 'right', render: (_, d) => (d.contract_amount === null ? t('common.notAvailable') : <Money value={d.contract_amount} />) },
    { key: 'opened', title: t('roles.admin.openedAt'), width: 160, render: (_, d) => formatDateTime(d.opened_at) },
  ];
  return (
    <>
      <PageHeader title={t('nav.admin.deals')} subtitle={t('roles.admin.deals.subtitle')} />
      <Card>
        <Select<DealStage>
          allowClear
          placeholder={t('roles.admin.allStages')}
          aria-label={t('common.status')}
          value={stage}
          onChange={(value) => { setStage(value); setPage(1); }}
          options={DEAL_STAGES.map((s) => ({ value: s, label: t(`stage.${s}`) }))}
          style={{ width: 200, marginBottom: 16 }}
        />
        {deals.isError ? (
          <LoadError error={deals.error} retry={() => void deals.refetch()} />
        ) : (
          <Table<DealSummary>
            rowKey="id"
            columns={columns}
            dataSource={deals.data?.items}
            loading={deals.isPending}
            pagination={{ current: page, pageSize: PAGE_SIZE, total: deals.data?.total ?? 0, onChange: setPage }}
            locale={{ emptyText: <EmptyState description={t('roles.admin.deals.none')} /> }}
          />
        )}
      </Card>
    </>
  );
}

const BATCH_STATUSES: PayoutBatchStatus[] = ['open', 'paid', 'cancelled'];

/** Payout batches: gather approved claims into one, record it paid with the bank's reference, or cancel it. */
export function PayoutsPage() {
  const t = useT();
  const [status, setStatus] = useState<PayoutBatchStatus | null>(null);
  const [page, setPage] = useState(1);
  const batches = usePayoutBatches(status, page);
  const create = useCreateBatch();
  const pay = usePayBatch();
  const cancel = useCancelBatch();
  const message = useMessage();
  const showError = useShowError();
  const [paying, setPaying] = useState<PayoutBatch | null>(null);
  const columns: TableColumns<PayoutBatch> = [
    { key: 'id', title: t('roles.payouts.batch'), width: 90, render: (_, b) => t('roles.payouts.batchNo', { id: b.id }) },
    { key: 'status', title: t('common.status'), width: 100, render: (_, b) => <Tag tone={b.status === 'paid' ? 'success' : b.status === 'open' ? 'warning' : 'neutral'}>{t(`batchStatus.${b.status}`)}</Tag> },
    { key: 'claims', title: t('roles.payouts.claims'), width: 90, align: 'right', render: (_, b) => b.claim_count },
    { key: 'total', title: t('roles.payouts.total'), align: 'right', render: (_, b) => <Money value={b.total} /> },
    { key: 'created', title: t('common.createdAt'), width: 160, render: (_, b) => formatDateTime(b.created_at) },
    { key: 'paid', title: t('roles.payouts.paidAt'), render: (_, b) => (b.paid_at === null ? t('common.notAvailable') : `${formatDateTime(b.paid_at)} · ${b.bank_reference ?? ''}`) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, b) =>
        b.status !== 'open' ? null : (
          <Space wrap>
            <Button size="small" kind="primary" onClick={() => setPaying(b)} data-testid={`pay-batch-${b.id}`}>
              {t('roles.payouts.pay')}
            </Button>
            <ActionButton
              size="small"
              danger
              loading={cancel.isPending}
              confirm={{ title: t('roles.payouts.cancel.confirm'), okText: t('roles.payouts.cancel'), danger: true }}
              onClick={() => cancel.mutate(b.id, { onSuccess: () => void message.success(t('roles.payouts.cancelled')), onError: (e) => showError(e) })}
            >
              {t('roles.payouts.cancel')}
            </ActionButton>
          </Space>
        ),
    },
  ];
  return (
    <>
      <PageHeader
        title={t('nav.admin.payouts')}
        subtitle={t('roles.payouts.subtitle')}
        extra={
          <ActionButton
            kind="primary"
            loading={create.isPending}
            confirm={{ title: t('roles.payouts.create.confirm'), description: t('roles.payouts.create.detail'), okText: t('roles.payouts.create') }}
            onClick={() => create.mutate(null, { onSuccess: (b) => void message.success(t('roles.payouts.created', { id: b.id, count: b.claim_count })), onError: (e) => showError(e) })}
            data-testid="create-batch"
          >
            {t('roles.payouts.create')}
          </ActionButton>
        }
      />
      <Card>
        <Segmented<PayoutBatchStatus | 'all'>
          value={status ?? 'all'}
          onChange={(value) => { setStatus(value === 'all' ? null : value); setPage(1); }}
          options={[{ value: 'all', label: t('common.all') }, ...BATCH_STATUSES.map((s) => ({ value: s, label: t(`batchStatus.${s}`) }))]}
          style={{ marginBottom: 16 }}
        />
        {batches.isError ? (
          <LoadError error={batches.error} retry={() => void batches.refetch()} />
        ) : (
          <Table<PayoutBatch>
            rowKey="id"
            columns={columns}
            dataSource={batches.data?.items}
            loading={batches.isPending}
            pagination={{ current: page, pageSize: PAGE_SIZE, total: batches.data?.total ?? 0, onChange: setPage }}
            locale={{ emptyText: <EmptyState description={t('roles.payouts.none')} /> }}
          />
        )}
      </Card>
      <ReasonDialog
        open={paying !== null}
        title={t('roles.payouts.pay.title', { id: paying?.id ?? 0 })}
        description={t('roles.payouts.pay.detail')}
        label={t('roles.payouts.bankReference')}
        maxLength={64}
        okText={t('roles.payouts.pay')}
        loading={pay.isPending}
        onCancel={() => setPaying(null)}
        onSubmit={(bankReference) =>
          paying !== null &&
          pay.mutate({ id: paying.id, bankReference }, { onSuccess: () => { setPaying(null); void message.success(t('roles.payouts.paid')); }, onError: (e) => showError(e) })
        }
        testId="pay-batch-dialog"
      />
    </>
  );
}

type Listing = (Demand | Achievement) & { kind: ListingKind };

function AssignedBrokers({ demand }: { demand: Demand }) {
  const t = useT();
  const brokers = useAllBrokers();
  const assign = useAssignDemandBroker();
  const unassign = useUnassignDemandBroker();
  const showError = useShowError();
  const message = useMessage();
  const names = new Map((brokers.data?.items ?? []).map((b) => [b.user_id, b.display_name]));
  const assigned = demand.assigned_broker_ids ?? [];
  return (
    <Space direction="vertical" size={4} style={{ width: '100%' }}>
      <Space size={[4, 4]} wrap>
        {assigned.length === 0 ? <Typography.Text type="secondary">{t('roles.listings.noBrokers')}</Typography.Text> : null}
        {assigned.map((id) => (
          <Space key={id} size={0}>
            <Tag tone="info">{names.get(id) ?? t('common.notAvailable')}</Tag>
            <ActionButton
              size="small"
              kind="link"
              danger
              confirm={{ title: t('roles.listings.unassign.confirm', { name: names.get(id) ?? '' }), okText: t('roles.listings.unassign'), danger: true }}
              onClick={() => unassign.mutate({ demandId: demand.id, brokerId: id }, { onError: (e) => showError(e) })}
            >
              {t('roles.listings.unassign')}
            </ActionButton>
          </Space>
        ))}
      </Space>
      <BrokerPicker
        key={assigned.join(',')} // empty again once the choice is among the assigned
        aria-label={t('roles.listings.assign')}
        exclude={assigned}
        onChange={(id) => id !== undefined && assign.mutate({ demandId: demand.id, brokerId: id }, { onSuccess: () => void message.success(t('roles.listings.assigned')), onError: (e) => showError(e) })}
      />
    </Space>
  );
}

/** Moderate listings: hide one with a reason (and show it again); give a private (不公开) demand its brokers. */
export function ListingModerationPage() {
  const t = useT();
  const fieldName = useFieldName();
  const [kind, setKind] = useState<ListingKind>('demand');
  const [q, setQ] = useState('');
  const [onlyHidden, setOnlyHidden] = useState(false);
  const [page, setPage] = useState(1);
  const query = { q: q || undefined, hidden: onlyHidden ? true : undefined, page, page_size: PAGE_SIZE };
  const demands = useDemands(query, kind === 'demand');
  const achievements = useAchievements(query, kind === 'achievement');
  const list = kind === 'demand' ? demands : achievements;
  const hide = useHideListing();
  const unhide = useUnhideListing();
  const message = useMessage();
  const showError = useShowError();
  const [hiding, setHiding] = useState<Listing | null>(null);
  const rows: Listing[] = (list.data?.items ?? []).map((item) => ({ ...item, kind }));
  const columns: TableColumns<Listing> = [
    { key: 'title', title: t('roles.listings.title'), render: (_, l) => <Link to={`/listings/${l.kind === 'demand' ? 'demands' : 'achievements'}/${l.id}`}>{l.title}</Link> },
    { key: 'party', title: t('common.organisation'), render: (_, l) => l.party.name || t('common.anonymousFirm') },
    { key: 'field', title: t('common.field'), render: (_, l) => fieldName(l.field) },
    ...(kind === 'demand' ? [{ key: 'visibility', title: t('demand.visibility'), render: (_: unknown, l: Listing) => ('visibility' in l ? <VisibilityTag visibility={l.visibility} /> : null) }] : []),
    { key: 'hidden', title: t('roles.listings.shown'), render: (_, l) => (l.hidden ? <Tag tone="danger">{t('roles.listings.hidden', { reason: l.hidden_reason ?? '' })}</Tag> : <Tag tone="success">{t('roles.listings.visible')}</Tag>) },
    ...(kind === 'demand'
      ? [{ key: 'brokers', title: t('roles.listings.brokers'), width: 300, render: (_: unknown, l: Listing) => ('visibility' in l && l.visibility === 'private' ? <AssignedBrokers demand={l} /> : <Typography.Text type="secondary">{t('roles.listings.notPrivate')}</Typography.Text>) }]
      : []),
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, l) =>
        l.hidden ? (
          <ActionButton size="small" confirm={{ title: t('roles.listings.unhide.confirm'), okText: t('roles.listings.unhide') }} onClick={() => unhide.mutate({ kind: l.kind, id: l.id }, { onSuccess: () => void message.success(t('roles.listings.unhidden')), onError: (e) => showError(e) })}>
            {t('roles.listings.unhide')}
          </ActionButton>
        ) : (
          <Button size="small" danger onClick={() => setHiding(l)} data-testid={`hide-${l.kind}-${l.id}`}>
            {t('roles.listings.hide')}
          </Button>
        ),
    },
  ];
  return (
    <>
      <PageHeader title={t('nav.admin.listings')} subtitle={t('roles.listings.subtitle')} />
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Segmented<ListingKind>
            value={kind}
            onChange={(value) => { setKind(value); setPage(1); }}
            options={[{ value: 'demand', label: t('listingKind.demand') }, { value: 'achievement', label: t('listingKind.achievement') }]}
          />
          <Input.Search allowClear placeholder={t('common.search')} aria-label={t('common.search')} onSearch={(value) => { setQ(value); setPage(1); }} style={{ width: 220, maxWidth: '100%' }} />
          <Space>
            <Switch checked={onlyHidden} onChange={(value) => { setOnlyHidden(value); setPage(1); }} aria-label={t('roles.listings.onlyHidden')} />
            <Typography.Text>{t('roles.listings.onlyHidden')}</Typography.Text>
          </Space>
        </Space>
        {list.isError ? (
          <LoadError error={list.error} retry={() => void list.refetch()} />
        ) : (
          <Table<Listing>
            rowKey={(l) => `${l.kind}-${l.id}`}
            columns={columns}
            dataSource={rows}
            loading={list.isPending}
            pagination={{ current: page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, onChange: setPage }}
            locale={{ emptyText: <EmptyState description={t('roles.listings.none')} /> }}
          />
        )}
      </Card>
      <ReasonDialog
        open={hiding !== null}
        title={t('roles.listings.hide.title', { title: hiding?.title ?? '' })}
        description={t('roles.listings.hide.detail')}
        okText={t('roles.listings.hide')}
        danger
        loading={hide.isPending}
        onCancel={() => setHiding(null)}
        onSubmit={(reason) =>
          hiding !== null &&
          hide.mutate({ kind: hiding.kind, id: hiding.id, reason }, { onSuccess: () => { setHiding(null); void message.success(t('roles.listings.hiddenDone')); }, onError: (e) => showError(e) })
        }
        testId="hide-dialog"
      />
    </>
  );
}

interface FieldFormValues {
  code: string;
  name_zh: string;
  name_en: string;
  parent_id?: number | null;
  sort?: number;
}

/** The field taxonomy: add a field or sub-field, rename, reorder, retire (never delete: listings keep theirs). */
export function TaxonomyPage() {
  const t = useT();
  const tree = useFieldTree();
  const create = useCreateField();
  const update = useUpdateField();
  const message = useMessage();
  const showError = useShowError();
  const [form] = Form.useForm<FieldFormValues>();
  const [editing, setEditing] = useState<FieldNode | null>(null);
  const [edit] = Form.useForm<{ name_zh: string; name_en: string; sort: number }>();
  const columns: TableColumns<FieldNode> = [
    { key: 'zh', title: t('roles.fields.nameZh'), render: (_, f) => <span title={f.code}>{f.name_zh}</span> },
    { key: 'en', title: t('roles.fields.nameEn'), render: (_, f) => f.name_en },
    { key: 'sort', title: t('roles.fields.sort'), width: 80, align: 'right', render: (_, f) => f.sort },
    {
      key: 'active',
      title: t('roles.fields.active'),
      width: 100,
      render: (_, f) => (
        <Switch
          checked={f.active}
          aria-label={t('roles.fields.activeOf', { name: f.name_zh })}
          onChange={(active) => update.mutate({ id: f.id, body: { active } }, { onError: (e) => showError(e) })}
        />
      ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 90,
      render: (_, f) => (
        <Button size="small" onClick={() => { setEditing(f); edit.setFieldsValue({ name_zh: f.name_zh, name_en: f.name_en, sort: f.sort }); }}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];
  const topLevel = tree.data ?? [];
  return (
    <>
      <PageHeader title={t('nav.admin.fields')} subtitle={t('roles.fields.subtitle')} />
      <Card title={t('roles.fields.add')}>
        <Form<FieldFormValues>
          form={form}
          layout="vertical"
          aria-label={t('roles.fields.add')}
          onFinish={(values) =>
            create.mutate(
              { code: values.code, name_zh: values.name_zh, name_en: values.name_en, parent_id: values.parent_id ?? null, sort: values.sort ?? 0 },
              { onSuccess: () => { form.resetFields(); void message.success(t('roles.fields.added')); }, onError: (e) => showError(e, { form, fields: ['code', 'name_zh', 'name_en', 'parent_id', 'sort'] }) },
            )
          }
        >
          <Space wrap align="start">
            <Form.Item name="parent_id" label={t('roles.fields.parent')} extra={t('roles.fields.parent.hint')}>
              <Select<number> allowClear style={{ width: 200 }} options={topLevel.map((f) => ({ value: f.id, label: f.name_zh }))} placeholder={t('roles.fields.topLevel')} />
            </Form.Item>
            <Form.Item name="code" label={t('roles.fields.code')} extra={t('roles.fields.code.hint')} rules={[{ required: true, message: t('form.required', { field: t('roles.fields.code') }) }]}>
              <Input maxLength={32} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item name="name_zh" label={t('roles.fields.nameZh')} rules={[{ required: true, message: t('form.required', { field: t('roles.fields.nameZh') }) }]}>
              <Input maxLength={64} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name="name_en" label={t('roles.fields.nameEn')} rules={[{ required: true, message: t('form.required', { field: t('roles.fields.nameEn') }) }]}>
              <Input maxLength={100} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item name="sort" label={t('roles.fields.sort')}>
              <InputNumber min={0} max={10000} precision={0} style={{ width: 100 }} />
            </Form.Item>
          </Space>
          <Button kind="primary" htmlType="submit" loading={create.isPending}>
            {t('roles.fields.add')}
          </Button>
        </Form>
      </Card>
      <Card style={{ marginTop: 16 }}>
        {tree.isError ? (
          <LoadError error={tree.error} retry={() => void tree.refetch()} />
        ) : (
          <Table<FieldNode> rowKey="id" columns={columns} dataSource={topLevel} loading={tree.isPending} pagination={false} expandable={{ childrenColumnName: 'children' }} />
        )}
      </Card>
      {editing === null ? null : (
        <Card title={t('roles.fields.editing', { name: editing.name_zh, code: editing.code })} style={{ marginTop: 16 }}>
          <Form
            form={edit}
            layout="vertical"
            onFinish={(values) =>
              update.mutate({ id: editing.id, body: values }, { onSuccess: () => { setEditing(null); void message.success(t('roles.fields.saved')); }, onError: (e) => showError(e, { form: edit, fields: ['name_zh', 'name_en', 'sort'] }) })
            }
          >
            <Space wrap align="start">
              <Form.Item name="name_zh" label={t('roles.fields.nameZh')} rules={[{ required: true, message: t('form.required', { field: t('roles.fields.nameZh') }) }]}>
                <Input maxLength={64} style={{ width: 180 }} />
              </Form.Item>
              <Form.Item name="name_en" label={t('roles.fields.nameEn')} rules={[{ required: true, message: t('form.required', { field: t('roles.fields.nameEn') }) }]}>
                <Input maxLength={100} style={{ width: 200 }} />
              </Form.Item>
              <Form.Item name="sort" label={t('roles.fields.sort')}>
                <InputNumber min={0} max={10000} precision={0} style={{ width: 100 }} />
              </Form.Item>
            </Space>
            <Space>
              <Button kind="primary" htmlType="submit" loading={update.isPending}>
                {t('common.save')}
              </Button>
              <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            </Space>
          </Form>
        </Card>
      )}
    </>
  );
}
