import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import type { DemandDraft, DraftStatus } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  EmptyState,
  Form,
  LoadError,
  Money,
  PageHeader,
  Popconfirm,
  QueryState,
  ReasonDialog,
  Select,
  Space,
  Table,
  type TableColumns,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { DemandForm } from '@/features/listings/DemandForm';
import { DEMAND_FIELDS, type DemandFormValues } from '@/features/listings/demandValues';
import { findField, useFieldName } from '@/features/listings/fields';
import { ModeTags, VisibilityTag } from '@/features/listings/labels';
import { type DraftAction, useCreateDraft, useDossier, useDraft, useDraftAction, useDrafts, usePutDraftDossier, useUpdateDraft } from '@/hooks/queries/intake';
import { useFieldTree } from '@/hooks/queries/listings';
import { useT } from '@/i18n';
import { formatDate, formatDateTime } from '@/lib/dates';

import { DossierEditor } from './DossierEditor';
import { DraftStatusTag } from './labels';
import { basePath } from './paths';

const DRAFT_FIELDS = DEMAND_FIELDS.map((f) => `demand.${f}`);

/** The broker writes a new demand for the firm of a help request. */
export function NewDraftPage() {
  const t = useT();
  const requestId = Number(useParams().requestId);
  const [form] = Form.useForm<DemandFormValues>();
  const create = useCreateDraft(requestId);
  const navigate = useNavigate();
  const showError = useShowError();
  const message = useMessage();
  return (
    <>
      <PageHeader title={t('intake.draft.new')} subtitle={t('intake.help.number', { id: requestId })} />
      <Card>
        <Alert type="info" showIcon message={t('intake.draft.explain')} style={{ marginBottom: 16 }} />
        <DemandForm
          form={form}
          canPublish={false}
          verified
          submitting={create.isPending}
          onSubmit={(values) =>
            create.mutate(values, {
              onSuccess: (draft) => {
                void message.success(t('intake.draft.saved'));
                void navigate(`/broker/drafts/${draft.id}`, { replace: true });
              },
              onError: (error) => showError(error, { form, fields: [...DEMAND_FIELDS, ...DRAFT_FIELDS] }),
            })
          }
        />
      </Card>
    </>
  );
}

function DraftContentView({ draft }: { draft: DemandDraft }) {
  const t = useT();
  const fieldName = useFieldName();
  const tree = useFieldTree();
  const d = draft.demand;
  const field = findField(tree.data ?? [], d.field_id);
  return (
    <Descriptions
      column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}
      bordered
      size="small"
      items={[
        { key: 'title', label: t('demand.title'), span: 'filled', children: d.title },
        { key: 'field', label: t('common.field'), children: field === undefined ? '—' : fieldName(field) },
        { key: 'region', label: t('common.region'), children: d.region },
        { key: 'budget', label: t('demand.budget'), children: d.budget_max === null ? t('listing.budget.open') : <Money value={String(d.budget_max)} /> },
        { key: 'modes', label: t('listing.modes'), children: <ModeTags modes={d.modes ?? []} /> },
        { key: 'deadline', label: t('demand.deadline'), children: formatDate(d.deadline) },
        { key: 'visibility', label: t('demand.visibility'), children: <VisibilityTag visibility={d.visibility ?? 'public'} /> },
        { key: 'description', label: t('demand.description'), span: 'filled', children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{d.description}</Typography.Paragraph> },
      ]}
    />
  );
}

/** The draft's confidential dossier: only the firm and the drafting broker read it (consent
 *  before disclosure: not even an administrator, who sees that one exists). */
function DraftDossier({ draft, editable, readable }: { draft: DemandDraft; editable: boolean; readable: boolean }) {
  const t = useT();
  const dossier = useDossier(draft.dossier_id, readable);
  const put = usePutDraftDossier(draft.id);
  if (!readable) {
    return <Typography.Text type="secondary">{t(draft.dossier_id === null ? 'intake.dossier.none' : 'intake.dossier.private')}</Typography.Text>;
  }
  if (draft.dossier_id !== null && dossier.isPending) return null;
  const content = dossier.data ?? null;
  if (!editable) {
    return content === null ? (
      <Typography.Text type="secondary">{t('intake.dossier.none')}</Typography.Text>
    ) : (
      <Descriptions
        column={1}
        bordered
        size="small"
        items={[
          { key: 'details', label: t('intake.dossier.details'), children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{content.details}</Typography.Paragraph> },
          { key: 'volumes', label: t('intake.dossier.volumes'), children: content.volumes || '—' },
          { key: 'budget', label: t('intake.dossier.budget'), children: content.budget === null ? '—' : <Money value={content.budget} /> },
        ]}
      />
    );
  }
  return <DossierEditor key={content?.updated_at ?? 'new'} dossier={content} saving={put.isPending} onSave={(values, done, fail) => put.mutate(values, { onSuccess: done, onError: fail })} />;
}

export function DraftPage() {
  const t = useT();
  const id = Number(useParams().draftId);
  const session = useSession();
  const me = session.status === 'authenticated' ? session.user : null;
  const draft = useDraft(id);
  const update = useUpdateDraft(id);
  const action = useDraftAction(id);
  const [form] = Form.useForm<DemandFormValues>();
  const [returning, setReturning] = useState(false);
  const navigate = useNavigate();
  const message = useMessage();
  const showError = useShowError();

  const run = (kind: DraftAction, note?: string) =>
    action.mutate(
      { action: kind, note },
      {
        onSuccess: (result) => {
          void message.success(t(`intake.draft.action.${kind}.done`));
          setReturning(false);
          if (kind === 'approve' && !('help_request_id' in result)) void navigate(`/firm/demands/${result.id}`);
        },
        onError: (error) => showError(error),
      },
    );

  return (
    <QueryState isPending={draft.isPending} error={draft.error} retry={() => void draft.refetch()}>
      {draft.data === undefined || me === null
        ? null
        : (() => {
            const d = draft.data;
            const firm = me.role === 'firm';
            const drafter = me.role === 'broker' && d.broker.id === me.id;
            const editable = (firm && d.status === 'submitted') || (drafter && (d.status === 'draft' || d.status === 'returned'));
            const actions: DraftAction[] = [];
            if (drafter && (d.status === 'draft' || d.status === 'returned')) actions.push('submit');
            if (drafter && d.status !== 'approved' && d.status !== 'discarded') actions.push('discard');
            if (firm && d.status === 'submitted') actions.push('approve');
            return (
              <>
                <PageHeader
                  title={d.title}
                  subtitle={t('intake.draft.by', { broker: d.broker.display_name })}
                  extra={
                    <Space wrap>
                      <DraftStatusTag status={d.status} />
                      {actions.map((kind) => (
                        <Popconfirm key={kind} title={t(`intake.draft.action.${kind}.confirm`)} onConfirm={() => run(kind)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                          <Button kind={kind === 'discard' ? 'secondary' : 'primary'} danger={kind === 'discard'} data-testid={`draft-${kind}`}>
                            {t(`intake.draft.action.${kind}`)}
                          </Button>
                        </Popconfirm>
                      ))}
                      {firm && d.status === 'submitted' ? (
                        <Button onClick={() => setReturning(true)} data-testid="draft-return">
                          {t('intake.draft.action.return')}
                        </Button>
                      ) : null}
                      <Link to={`${basePath(me.role)}/help/${d.help_request_id}`}>{t('intake.help.number', { id: d.help_request_id })}</Link>
                    </Space>
                  }
                />
                {d.status === 'returned' && d.firm_note ? <Alert type="warning" showIcon message={t('intake.draft.returnedNote', { note: d.firm_note })} style={{ marginBottom: 16 }} /> : null}
                {d.status === 'approved' && d.demand_id !== null ? (
                  <Alert type="success" showIcon message={<Link to={firm ? `/firm/demands/${d.demand_id}` : `/listings/demands/${d.demand_id}`}>{t('intake.draft.published')}</Link>} style={{ marginBottom: 16 }} />
                ) : null}
                {firm && d.status === 'submitted' ? <Alert type="info" showIcon message={t('intake.draft.firmExplain')} style={{ marginBottom: 16 }} /> : null}
                <Card title={t('intake.draft.demand')}>
                  {editable ? (
                    <DemandForm
                      form={form}
                      initialValues={d.demand}
                      canPublish={false}
                      verified
                      submitting={update.isPending}
                      onSubmit={(values) =>
                        update.mutate(values, {
                          onSuccess: () => void message.success(t('common.saved')),
                          onError: (error) => showError(error, { form, fields: [...DEMAND_FIELDS, ...DRAFT_FIELDS] }),
                        })
                      }
                    />
                  ) : (
                    <DraftContentView draft={d} />
                  )}
                </Card>
                <Card title={t('intake.dossier')} style={{ marginTop: 16 }}>
                  <DraftDossier draft={d} editable={editable} readable={firm || drafter} />
                </Card>
                <ReasonDialog
                  open={returning}
                  title={t('intake.draft.action.return')}
                  description={t('intake.draft.return.explain')}
                  okText={t('intake.draft.action.return')}
                  loading={action.isPending}
                  onSubmit={(note) => run('return', note)}
                  onCancel={() => setReturning(false)}
                  testId="draft-return-dialog"
                />
              </>
            );
          })()}
    </QueryState>
  );
}

const LIST_STATUSES: DraftStatus[] = ['draft', 'submitted', 'returned', 'approved', 'discarded'];

/** The firm's drafts to approve, or the broker's own drafts. */
export function DraftsPage() {
  const t = useT();
  const session = useSession();
  const role = session.status === 'authenticated' ? session.user.role : undefined;
  const [status, setStatus] = useState<DraftStatus | undefined>(role === 'firm' ? 'submitted' : undefined);
  const [page, setPage] = useState(1);
  const drafts = useDrafts(status === undefined ? [] : [status], page);
  const columns: TableColumns<DemandDraft> = [
    { key: 'title', title: t('demand.title'), render: (_, d) => <Link to={`${basePath(role)}/drafts/${d.id}`}>{d.title}</Link> },
    { key: 'status', title: t('common.status'), width: 110, render: (_, d) => <DraftStatusTag status={d.status} /> },
    { key: 'broker', title: t('intake.help.broker'), render: (_, d) => d.broker.display_name },
    { key: 'request', title: t('intake.draft.request'), width: 110, render: (_, d) => <Link to={`${basePath(role)}/help/${d.help_request_id}`}>#{d.help_request_id}</Link> },
    { key: 'updated', title: t('intake.draft.updated'), width: 160, render: (_, d) => formatDateTime(d.updated_at) },
  ];
  return (
    <>
      <PageHeader title={role === 'firm' ? t('nav.intake.approvals') : t('nav.intake.drafts')} subtitle={role === 'firm' ? t('intake.drafts.firmSubtitle') : t('intake.drafts.brokerSubtitle')} />
      <Card>
        <Space style={{ marginBottom: 16 }}>
          <Select<DraftStatus>
            allowClear
            style={{ width: 180 }}
            aria-label={t('listing.filterByStatus')}
            placeholder={t('listing.filterByStatus')}
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={LIST_STATUSES.map((s) => ({ value: s, label: t(`intake.draftStatus.${s}`) }))}
          />
        </Space>
        {drafts.isError ? (
          <LoadError error={drafts.error} retry={() => void drafts.refetch()} />
        ) : (
          <Table<DemandDraft>
            rowKey="id"
            columns={columns}
            dataSource={drafts.data?.items}
            loading={drafts.isPending}
            scroll={{ x: 560 }}
            pagination={{ current: page, total: drafts.data?.total ?? 0, onChange: setPage }}
            locale={{ emptyText: <EmptyState description={t('intake.drafts.none')} /> }}
          />
        )}
      </Card>
    </>
  );
}
