import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import type { DossierAccess, DossierSummary, DossierView } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  EmptyState,
  Form,
  Input,
  LoadError,
  PageHeader,
  Popconfirm,
  QueryState,
  Select,
  Space,
  Table,
  type TableColumns,
  Tag,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useDemands } from '@/hooks/queries/listings';
import {
  type AccessDecision,
  useDecideAccess,
  useDossier,
  useDossierAccess,
  useDossierViews,
  useOwnDossiers,
  useOwnTerms,
  usePublishTerms,
  usePutDemandDossier,
} from '@/hooks/queries/intake';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { DossierEditor } from './DossierEditor';
import { AccessStatusTag } from './labels';

function TermsCard() {
  const t = useT();
  const terms = useOwnTerms();
  const publish = usePublishTerms();
  const [form] = Form.useForm<{ text: string }>();
  const message = useMessage();
  const showError = useShowError();
  const current = terms.data?.[0];
  return (
    <Card title={t('intake.terms')} style={{ marginTop: 16 }}>
      {current === undefined ? (
        <Typography.Paragraph type="secondary">{t('intake.terms.none')}</Typography.Paragraph>
      ) : (
        <>
          <Typography.Text strong>{t('intake.terms.version', { version: current.version, at: formatDateTime(current.created_at) })}</Typography.Text>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 8 }} ellipsis={{ rows: 6, expandable: true, symbol: t('intake.terms.more') }}>
            {current.text}
          </Typography.Paragraph>
        </>
      )}
      <Form<{ text: string }>
        form={form}
        layout="vertical"
        aria-label={t('intake.terms.publish')}
        onFinish={(values) =>
          publish.mutate(values.text, {
            onSuccess: (made) => {
              void message.success(t('intake.terms.published', { version: made.version }));
              form.resetFields();
            },
            onError: (error) => showError(error, { form, fields: ['text'] }),
          })
        }
      >
        <Form.Item name="text" label={t('intake.terms.newText')} extra={t('intake.terms.newText.hint')} rules={[{ required: true, min: 20, message: t('intake.terms.tooShort') }]}>
          <Input.TextArea rows={5} maxLength={20000} />
        </Form.Item>
        <Button htmlType="submit" loading={publish.isPending}>
          {t('intake.terms.publish')}
        </Button>
      </Form>
    </Card>
  );
}

function AddDossier() {
  const t = useT();
  const demands = useDemands({ mine: true, page_size: 100, sort: 'newest' });
  const [demandId, setDemandId] = useState<number | undefined>();
  const put = usePutDemandDossier(demandId ?? 0);
  const navigate = useNavigate();
  return (
    <Card title={t('intake.dossier.add')} style={{ marginTop: 16 }}>
      <Select<number>
        style={{ width: '100%', marginBottom: 16 }}
        showSearch
        optionFilterProp="label"
        aria-label={t('intake.dossier.pickDemand')}
        placeholder={t('intake.dossier.pickDemand')}
        value={demandId}
        onChange={setDemandId}
        options={(demands.data?.items ?? []).map((d) => ({ value: d.id, label: d.title }))}
      />
      {demandId === undefined ? null : (
        <DossierEditor
          key={demandId}
          dossier={null}
          saving={put.isPending}
          onSave={(values, done, fail) =>
            put.mutate(values, {
              onSuccess: (dossier) => {
                done();
                void navigate(`/firm/dossiers/${dossier.id}`);
              },
              onError: fail,
            })
          }
        />
      )}
    </Card>
  );
}

/** The firm's confidential dossiers, its non-disclosure terms, and adding a dossier to a demand. */
export function DossiersPage() {
  const t = useT();
  const dossiers = useOwnDossiers();
  const columns: TableColumns<DossierSummary> = [
    {
      key: 'title',
      title: t('intake.dossier.of'),
      // A financing request's dossier is managed on the request's page, a demand's on its own.
      render: (_, d) =>
        d.financing_request_id !== null ? (
          <>
            <Tag>{t('capital.request')}</Tag>
            <Link to={`/firm/financing/${d.financing_request_id}`}>{d.title}</Link>
          </>
        ) : (
          <>
            <Tag>{t('listingKind.demand')}</Tag>
            <Link to={`/firm/dossiers/${d.id}`}>{d.title}</Link>
          </>
        ),
    },
    { key: 'requested', title: t('intake.dossier.requested'), width: 90, align: 'right', render: (_, d) => d.requested },
    { key: 'granted', title: t('intake.dossier.granted'), width: 90, align: 'right', render: (_, d) => d.granted },
    { key: 'views', title: t('intake.dossier.views'), width: 90, align: 'right', render: (_, d) => d.views },
    { key: 'updated', title: t('intake.draft.updated'), width: 160, render: (_, d) => formatDateTime(d.updated_at) },
  ];
  return (
    <>
      <PageHeader title={t('nav.intake.dossiers')} subtitle={t('intake.dossiers.subtitle')} />
      <Card>
        {dossiers.isError ? (
          <LoadError error={dossiers.error} retry={() => void dossiers.refetch()} />
        ) : (
          <Table<DossierSummary>
            rowKey="id"
            columns={columns}
            dataSource={dossiers.data}
            loading={dossiers.isPending}
            pagination={false}
            scroll={{ x: 520 }}
            locale={{ emptyText: <EmptyState description={t('intake.dossiers.none')} /> }}
          />
        )}
      </Card>
      <AddDossier />
      <TermsCard />
    </>
  );
}

export function AccessTable({ dossierId }: { dossierId: number }) {
  const t = useT();
  const access = useDossierAccess(dossierId);
  const decide = useDecideAccess(dossierId);
  const message = useMessage();
  const showError = useShowError();
  const run = (a: DossierAccess, decision: AccessDecision) =>
    decide.mutate({ userId: a.user_id, decision }, { onSuccess: () => void message.success(t(`intake.access.${decision}.done`)), onError: (e) => showError(e) });
  const columns: TableColumns<DossierAccess> = [
    { key: 'who', title: t('intake.access.who'), render: (_, a) => `${a.display_name}${a.organisation_name ? ` · ${a.organisation_name}` : ''}` },
    { key: 'role', title: t('intake.access.role'), width: 110, render: (_, a) => t(`role.${a.role as 'firm'}`) },
    { key: 'status', title: t('common.status'), width: 100, render: (_, a) => <AccessStatusTag status={a.status} /> },
    { key: 'message', title: t('intake.access.message'), render: (_, a) => a.message || '—' },
    { key: 'terms', title: t('intake.access.terms'), width: 110, render: (_, a) => (a.accepted_version === null ? t('intake.access.termsNone') : t('intake.access.termsVersion', { version: a.accepted_version })) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, a) => {
        const decisions: AccessDecision[] = a.status === 'requested' ? ['grant', 'decline'] : a.status === 'granted' ? ['revoke'] : ['grant'];
        return (
          <Space size={0} wrap>
            {decisions.map((decision) => (
              <Popconfirm key={decision} title={t(`intake.access.${decision}.confirm`)} onConfirm={() => run(a, decision)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                <Button kind="link" danger={decision !== 'grant'} data-testid={`access-${decision}-${a.user_id}`}>
                  {t(`intake.access.${decision}`)}
                </Button>
              </Popconfirm>
            ))}
          </Space>
        );
      },
    },
  ];
  return <Table<DossierAccess> rowKey="user_id" size="small" columns={columns} dataSource={access.data} loading={access.isPending} pagination={false} scroll={{ x: 640 }} locale={{ emptyText: t('intake.access.none') }} />;
}

export function ViewLog({ dossierId }: { dossierId: number }) {
  const t = useT();
  const views = useDossierViews(dossierId);
  const columns: TableColumns<DossierView> = [
    { key: 'at', title: t('intake.views.at'), width: 170, render: (_, v) => formatDateTime(v.viewed_at) },
    { key: 'who', title: t('intake.access.who'), render: (_, v) => `${v.display_name}${v.organisation_name ? ` · ${v.organisation_name}` : ''}` },
    { key: 'what', title: t('intake.views.what'), render: (_, v) => (v.file_id === null ? t('intake.views.content') : t('intake.views.file', { id: v.file_id })) },
  ];
  return <Table<DossierView> rowKey="id" size="small" columns={columns} dataSource={views.data} loading={views.isPending} pagination={{ pageSize: 20 }} scroll={{ x: 480 }} locale={{ emptyText: t('intake.views.none') }} />;
}

/** The owner's view of one dossier: its content, who may read it, and every read. */
export function DossierManagePage() {
  const t = useT();
  const id = Number(useParams().dossierId);
  const dossier = useDossier(id);
  const put = usePutDemandDossier(dossier.data?.demand_id ?? 0);
  return (
    <QueryState isPending={dossier.isPending} error={dossier.error} retry={() => void dossier.refetch()}>
      {dossier.data === undefined ? null : (
        <>
          <PageHeader title={t('intake.dossier.number', { id })} subtitle={t('nav.intake.dossiers')} extra={dossier.data.demand_id === null ? null : <Link to={`/firm/demands/${dossier.data.demand_id}`}>{t('intake.dossier.demand')}</Link>} />
          <Alert type="info" showIcon message={t('intake.dossier.ownerExplain')} style={{ marginBottom: 16 }} />
          <Card title={t('intake.dossier')}>
            <DossierEditor key={dossier.data.updated_at} dossier={dossier.data} saving={put.isPending} onSave={(values, done, fail) => put.mutate(values, { onSuccess: done, onError: fail })} />
          </Card>
          <Card title={t('intake.access')} style={{ marginTop: 16 }}>
            <AccessTable dossierId={id} />
          </Card>
          <Card title={t('intake.views')} style={{ marginTop: 16 }}>
            <ViewLog dossierId={id} />
          </Card>
        </>
      )}
    </QueryState>
  );
}
