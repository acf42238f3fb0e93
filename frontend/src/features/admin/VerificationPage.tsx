import { useState } from 'react';

import type { Broker, JoinRequest, Organisation, VerificationStatus } from '@/api/types';
import {
  ActionButton,
  Alert,
  Button,
  Card,
  Descriptions,
  Drawer,
  EmptyState,
  List,
  LoadError,
  PageHeader,
  QueryState,
  ReasonDialog,
  Segmented,
  Space,
  Table,
  type TableColumns,
  Tabs,
  Tag,
  useBelow,
  useMessage,
  useShowError,
} from '@/components/ui';
import { JoinRequestItem } from '@/features/accounts/MembersPage';
import { useFieldCodeName } from '@/features/listings/fields';
import { useBrokers, useOrganisation, useOrganisations, useRevealIdentity, useVerify } from '@/hooks/queries/accounts';
import { useEveryJoinRequest } from '@/hooks/queries/members';
import { useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';
import { formatDateTime } from '@/lib/dates';

type Target = { kind: 'organisation'; id: number; name: string } | { kind: 'broker'; id: number; name: string };

function StatusTag({ status }: { status: VerificationStatus }) {
  const t = useT();
  return <Tag tone={status === 'verified' ? 'success' : status === 'rejected' ? 'danger' : 'warning'}>{t(`verification.${status}`)}</Tag>;
}

/** Approve once the administrator confirms, naming who; reject with a note the applicant will read. */
function Decide({ target, status }: { target: Target; status: VerificationStatus }) {
  const t = useT();
  const verify = useVerify();
  const message = useMessage();
  const showError = useShowError();
  const [rejecting, setRejecting] = useState(false);
  const done = (key: 'verification.approved' | 'verification.rejectedDone') => () => {
    setRejecting(false);
    void message.success(t(key, { name: target.name }));
  };
  return (
    <Space size={0}>
      {status !== 'verified' ? (
        <ActionButton
          kind="link"
          loading={verify.isPending && verify.variables.decision.status === 'verified'}
          data-testid={`verify-approve-${target.kind}-${target.id}`}
          confirm={{
            title: t('verification.approve.confirm', { name: target.name }),
            description: t(target.kind === 'organisation' ? 'verification.approve.explain.organisation' : 'verification.approve.explain.broker'),
            okText: t('verification.approve'),
            testId: `verify-approve-confirm-${target.kind}-${target.id}`,
          }}
          onClick={() => verify.mutate({ target: target.kind, id: target.id, decision: { status: 'verified' } }, { onSuccess: done('verification.approved'), onError: (e) => showError(e) })}
        >
          {t('verification.approve')}
        </ActionButton>
      ) : null}
      {status !== 'rejected' ? (
        <Button kind="link" danger data-testid={`verify-reject-${target.kind}-${target.id}`} onClick={() => setRejecting(true)}>
          {t('verification.reject')}
        </Button>
      ) : null}
      <ReasonDialog
        open={rejecting}
        title={t('verification.reject.title', { name: target.name })}
        description={t('verification.reject.explain')}
        okText={t('verification.reject')}
        danger
        loading={verify.isPending}
        onCancel={() => setRejecting(false)}
        onSubmit={(note) =>
          verify.mutate({ target: target.kind, id: target.id, decision: { status: 'rejected', note } }, { onSuccess: done('verification.rejectedDone'), onError: (e) => showError(e) })
        }
      />
    </Space>
  );
}

/** Full resident ID numbers are shown only on request, and the request is audited. */
function RevealIdentity({ organisationId }: { organisationId: number }) {
  const t = useT();
  const reveal = useRevealIdentity();
  const showError = useShowError();
  if (reveal.data === undefined) {
    return (
      <ActionButton
        kind="link"
        size="small"
        loading={reveal.isPending}
        data-testid="reveal-identity"
        confirm={{ title: t('verification.reveal.confirm'), description: t('verification.reveal.audited'), okText: t('verification.reveal'), testId: 'reveal-identity-confirm' }}
        onClick={() => reveal.mutate(organisationId, { onError: (error) => showError(error) })}
      >
        {t('verification.reveal')}
      </ActionButton>
    );
  }
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="revealed-identity"
      message={t('verification.reveal.logged')}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {reveal.data.people.map((person, index) => (
            <li key={index} data-user-text>
              {codeLabel(t, 'PersonRole', person.role)}：{person.name} <code>{person.id_number}</code>
            </li>
          ))}
        </ul>
      }
      action={
        <Button kind="link" size="small" onClick={() => reveal.reset()}>
          {t('verification.reveal.hide')}
        </Button>
      }
    />
  );
}

function OrganisationDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const t = useT();
  const org = useOrganisation(id);
  const phone = useBelow('sm');
  return (
    <Drawer open={id !== null} onClose={onClose} width={phone ? '100%' : 640} title={org.data?.name ?? t('common.details')}>
      {id === null ? null : (
        <QueryState isPending={org.isPending} error={org.error} retry={() => void org.refetch()}>
          {org.data === undefined ? null : (
            <>
              {org.data.name_mismatches?.length ? (
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginBottom: 16 }}
                  data-testid="name-mismatches"
                  message={t('verification.nameMismatch')}
                  description={org.data.name_mismatches
                    .map((m) => t('verification.nameMismatch.row', { role: t(`verification.nameMismatch.${m.role}`), declared: m.declared, onFile: m.on_file }))
                    .join('；')}
                />
              ) : null}
              <Descriptions
                bordered
                size="small"
                column={1}
                items={[
                  { key: 'kind', label: t('register.orgKind'), children: t(`orgKind.${org.data.kind}`) },
                  { key: 'code', label: t('register.creditCode'), children: <code>{org.data.credit_code}</code> },
                  {
                    key: 'legal',
                    label: t('register.legalRep'),
                    children: (
                      <>
                        {org.data.legal_representative} <code>{org.data.legal_representative_id}</code>
                      </>
                    ),
                  },
                  { key: 'address', label: t('register.address'), children: org.data.registered_address },
                  { key: 'phone', label: t('register.contactPhone'), children: org.data.phone },
                  { key: 'domain', label: t('register.emailDomain'), children: org.data.email_domain },
                  { key: 'bank', label: t('register.bank'), children: [org.data.bank_name, org.data.bank_account].filter(Boolean).join(' ') || '—' },
                  { key: 'region', label: t('common.region'), children: org.data.region },
                  {
                    key: 'holders',
                    label: t('register.shareholders'),
                    children: org.data.shareholders.length === 0 ? '—' : org.data.shareholders.map((s) => `${s.name} ${s.percent}%`).join('；'),
                  },
                  {
                    key: 'officers',
                    label: t('register.officers'),
                    children: org.data.officers.length === 0 ? '—' : org.data.officers.map((o) => `${o.name}（${t(`officer.${o.position}`)}）`).join('；'),
                  },
                  { key: 'status', label: t('common.status'), children: <StatusTag status={org.data.verification_status} /> },
                  { key: 'note', label: t('verification.note'), children: org.data.verification_note ?? '—' },
                  { key: 'created', label: t('common.createdAt'), children: formatDateTime(org.data.created_at) },
                ]}
              />
              <div style={{ marginTop: 12 }}>
                <RevealIdentity key={org.data.id} organisationId={org.data.id} />
              </div>
              <div style={{ marginTop: 16 }}>
                <Decide target={{ kind: 'organisation', id: org.data.id, name: org.data.name }} status={org.data.verification_status} />
              </div>
            </>
          )}
        </QueryState>
      )}
    </Drawer>
  );
}

function Organisations({ status }: { status: VerificationStatus }) {
  const t = useT();
  const orgs = useOrganisations({ status });
  const [open, setOpen] = useState<number | null>(null);
  const columns: TableColumns<Organisation> = [
    { key: 'name', title: t('register.orgName'), render: (_, o) => o.name },
    { key: 'kind', title: t('register.orgKind'), render: (_, o) => t(`orgKind.${o.kind}`) },
    { key: 'region', title: t('common.region'), render: (_, o) => o.region },
    { key: 'status', title: t('common.status'), render: (_, o) => <StatusTag status={o.verification_status} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, o) => (
        <Space size={0}>
          <Button kind="link" onClick={() => setOpen(o.id)}>
            {t('common.details')}
          </Button>
          <Decide target={{ kind: 'organisation', id: o.id, name: o.name }} status={o.verification_status} />
        </Space>
      ),
    },
  ];
  if (orgs.isError) return <LoadError error={orgs.error} retry={() => void orgs.refetch()} />;
  return (
    <>
      <Table<Organisation>
        rowKey="id"
        columns={columns}
        dataSource={orgs.data?.items}
        loading={orgs.isPending}
        locale={{ emptyText: <EmptyState description={t(`verification.empty.${status}`)} /> }}
      />
      <OrganisationDrawer id={open} onClose={() => setOpen(null)} />
    </>
  );
}

function Brokers({ status }: { status: VerificationStatus }) {
  const t = useT();
  const fieldName = useFieldCodeName();
  const brokers = useBrokers({ status });
  const columns: TableColumns<Broker> = [
    { key: 'name', title: t('register.displayName'), render: (_, b) => `${b.display_name} (${b.username})` },
    { key: 'level', title: t('register.brokerLevel'), render: (_, b) => t(`brokerLevel.${b.level}`) },
    { key: 'certificate', title: t('register.certificateNo'), render: (_, b) => <code>{b.certificate_no}</code> },
    { key: 'fields', title: t('register.brokerFields'), render: (_, b) => b.fields.map(fieldName).join(t('list.separator')) || '—' },
    { key: 'agency', title: t('register.agencyName'), render: (_, b) => b.agency_name ?? '—' },
    { key: 'status', title: t('common.status'), render: (_, b) => <StatusTag status={b.verification_status} /> },
    { key: 'actions', title: t('common.actions'), render: (_, b) => <Decide target={{ kind: 'broker', id: b.user_id, name: b.display_name }} status={b.verification_status} /> },
  ];
  if (brokers.isError) return <LoadError error={brokers.error} retry={() => void brokers.refetch()} />;
  return (
    <Table<Broker>
      rowKey="user_id"
      columns={columns}
      dataSource={brokers.data?.items}
      loading={brokers.isPending}
      locale={{ emptyText: <EmptyState description={t(`verification.empty.${status}`)} /> }}
    />
  );
}
/** Requests to join any organisation, for organisations none of whose members answers. */
function JoinRequests() {
  const t = useT();
  const requests = useEveryJoinRequest('pending');
  if (requests.isError) return <LoadError error={requests.error} retry={() => void requests.refetch()} />;
  return (
    <List<JoinRequest>
      loading={requests.isPending}
      dataSource={requests.data ?? []}
      locale={{ emptyText: <EmptyState description={t('verification.joinRequests.empty')} /> }}
      renderItem={(request) => <JoinRequestItem request={request} showOrganisation />}
    />
  );
}

/** Organisations and brokers waiting to be verified (and those already decided). */
export function VerificationPage() {
  const t = useT();
  const [status, setStatus] = useState<VerificationStatus>('pending');
  return (
    <>
      <PageHeader
        title={t('nav.admin.verifications')}
        subtitle={t('verification.subtitle')}
        extra={
          <Segmented<VerificationStatus>
            aria-label={t('listing.filterByStatus')}
            value={status}
            onChange={setStatus}
            options={(['pending', 'verified', 'rejected'] as const).map((s) => ({ value: s, label: t(`verification.${s}`) }))}
          />
        }
      />
      <Card>
        <Tabs
          items={[
            { key: 'organisations', label: t('verification.tab.organisations'), children: <Organisations status={status} /> },
            { key: 'brokers', label: t('verification.tab.brokers'), children: <Brokers status={status} /> },
            { key: 'join-requests', label: t('verification.tab.joinRequests'), children: <JoinRequests /> },
          ]}
        />
      </Card>
    </>
  );
}
