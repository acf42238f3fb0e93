import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { API_ENUMS } from '@/api/enums';
import type { Expert, ExpertInvitationInput, ExpertProfileInput, PocRequest, ReviewAssignment } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  PageHeader,
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
import {
  useAnswerAssignment,
  useAssignment,
  useExpertInvitations,
  useExperts,
  useInviteExpert,
  useMyAssignments,
  useMyExpertProfile,
  useSubmitReview,
  useUpdateMyExpertProfile,
  useVerifyExpert,
} from '@/hooks/queries/experts';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { DossierFiles } from './DossierFiles';
import { ManualConflicts } from './ExpertConflicts';
import { ReviewForm, ReviewsTable } from './ReviewForm';

const KINDS = API_ENUMS.ExpertKind;

export function SeatTag({ status }: { status: ReviewAssignment['status'] }) {
  const t = useT();
  const tone = status === 'submitted' ? 'success' : status === 'invited' ? 'warning' : status === 'declined' || status === 'removed' ? 'neutral' : 'info';
  return <Tag tone={tone}>{t(`seatStatus.${status}`)}</Tag>;
}

export function PocStatusTag({ status }: { status: PocRequest['status'] }) {
  const t = useT();
  const tone = status === 'passed' ? 'success' : status === 'not_passed' || status === 'declined' ? 'danger' : 'warning';
  return <Tag tone={tone}>{t(`pocStatus.${status}`)}</Tag>;
}

// --- the expert's side ------------------------------------------------------------------------

/** An expert's review assignments: answer invitations, open the form. */
export function MyReviewsPage() {
  const t = useT();
  const seats = useMyAssignments();
  const answer = useAnswerAssignment();
  const showError = useShowError();
  const columns: TableColumns<ReviewAssignment> = [
    { key: 'title', title: t('experts.poc.achievement'), render: (_, s) => <Link to={`/expert/reviews/${s.id}`}>{s.achievement_title}</Link> },
    { key: 'kind', title: t('experts.kind'), width: 110, render: (_, s) => t(`expertKind.${s.kind}`) },
    { key: 'status', title: t('common.status'), width: 120, render: (_, s) => <SeatTag status={s.status} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, s) =>
        s.status === 'invited' ? (
          <Space wrap>
            <Button kind="primary" size="small" loading={answer.isPending} onClick={() => answer.mutate({ id: s.id, accept: true }, { onError: (e) => showError(e) })}>
              {t('experts.review.accept')}
            </Button>
            <Button size="small" onClick={() => answer.mutate({ id: s.id, accept: false }, { onError: (e) => showError(e) })}>
              {t('experts.review.decline')}
            </Button>
          </Space>
        ) : (
          <Link to={`/expert/reviews/${s.id}`}>{t('experts.review.open')}</Link>
        ),
    },
  ];
  return (
    <>
      <PageHeader title={t('nav.expert.reviews')} />
      <Card>
        <Table<ReviewAssignment> rowKey="id" columns={columns} dataSource={seats.data} loading={seats.isPending} pagination={false} scroll={{ x: 560 }} locale={{ emptyText: t('experts.review.none') }} />
      </Card>
    </>
  );
}

/** One assignment: the achievement, the form (once accepted), the others' scores once submitted. */
export function ReviewPage() {
  const t = useT();
  const id = Number(useParams().assignmentId);
  const seat = useAssignment(id);
  const submit = useSubmitReview();
  const answer = useAnswerAssignment();
  const message = useMessage();
  const showError = useShowError();
  return (
    <QueryState isPending={seat.isPending} error={seat.error} retry={() => void seat.refetch()}>
      {seat.data === undefined ? null : ((s) => (
        <>
          <PageHeader title={s.achievement_title} subtitle={t(`expertKind.${s.kind}`)} extra={<SeatTag status={s.status} />} />
          <Card>
            <Descriptions
              column={1}
              items={[
                { key: 'abstract', label: t('experts.poc.achievement'), children: s.achievement_abstract },
                { key: 'trl', label: t('experts.declaredTrl'), children: s.declared_trl },
                { key: 'note', label: t('experts.poc.note'), children: s.request_note || '—' },
              ]}
            />
            {s.status === 'declined' ? null : <DossierFiles requestId={s.request_id} editable={false} />}
          </Card>
          {s.status === 'invited' ? (
            <Space style={{ marginTop: 16 }}>
              <Button kind="primary" onClick={() => answer.mutate({ id, accept: true }, { onError: (e) => showError(e) })}>
                {t('experts.review.accept')}
              </Button>
              <Button onClick={() => answer.mutate({ id, accept: false }, { onError: (e) => showError(e) })}>{t('experts.review.decline')}</Button>
            </Space>
          ) : null}
          {s.status === 'accepted' ? (
            <Card title={t('experts.review.form')} style={{ marginTop: 16 }}>
              <ReviewForm
                criteria={s.form}
                submitting={submit.isPending}
                onSubmit={(body) => submit.mutate({ id, body }, { onSuccess: () => void message.success(t('experts.review.submitted')), onError: (e) => showError(e) })}
              />
            </Card>
          ) : null}
          {s.mine ? (
            <Card title={t('experts.review.others')} style={{ marginTop: 16 }}>
              <ReviewsTable reviews={[s.mine, ...(s.others ?? [])]} criteria={s.form} />
            </Card>
          ) : s.status === 'accepted' ? (
            <Alert style={{ marginTop: 16 }} type="info" showIcon message={t('experts.review.blind')} />
          ) : null}
        </>
      ))(seat.data)}
    </QueryState>
  );
}

/** The expert's own profile: what the platform keeps, and the parts the expert edits —
 *  biography, declared interests (they drive the conflict checks) and yearly capacity. */
export function MyExpertProfilePage() {
  const t = useT();
  const me = useMyExpertProfile();
  const update = useUpdateMyExpertProfile();
  const [form] = Form.useForm<Pick<ExpertProfileInput, 'bio' | 'yearly_capacity' | 'interests'>>();
  const message = useMessage();
  const showError = useShowError();
  return (
    <>
      <PageHeader title={t('nav.expert.profile')} />
      <QueryState isPending={me.isPending} error={me.error} retry={() => void me.refetch()}>
        {me.data === undefined ? null : ((p) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Card>
              <Descriptions
                column={1}
                items={[
                  { key: 'name', label: t('experts.name'), children: p.name },
                  { key: 'org', label: t('experts.organisation'), children: `${p.organisation_name} ${p.title}` },
                  { key: 'kind', label: t('experts.kind'), children: t(`expertKind.${p.kind}`) },
                  { key: 'status', label: t('common.status'), children: t(`verification.${p.status}`) },
                  { key: 'load', label: t('experts.load'), children: `${p.load} / ${p.yearly_capacity}` },
                ]}
              />
            </Card>
            <Card title={t('experts.profile.edit')}>
              <Form
                form={form}
                layout="vertical"
                aria-label={t('experts.profile.edit')}
                initialValues={{ bio: p.bio, yearly_capacity: p.yearly_capacity, interests: p.interests }}
                onFinish={(values) =>
                  update.mutate(
                    { name: p.name, organisation_name: p.organisation_name, organisation_credit_code: p.organisation_credit_code, title: p.title, fields: p.fields, kind: p.kind, ...values },
                    { onSuccess: () => void message.success(t('experts.profile.saved')), onError: (e) => showError(e) },
                  )
                }
              >
                <Form.Item name="bio" label={t('experts.profile.bio')}>
                  <Input.TextArea rows={4} maxLength={2000} showCount />
                </Form.Item>
                <Form.Item name="yearly_capacity" label={t('experts.profile.capacity')}>
                  <InputNumber min={1} max={50} precision={0} />
                </Form.Item>
                <Typography.Text strong>{t('conflict.declared')}</Typography.Text>
                <Form.List name="interests">
                  {(fields, { add, remove }) => (
                    <Space direction="vertical" style={{ width: '100%', marginTop: 8 }}>
                      {fields.map((f) => (
                        <Space key={f.key} wrap align="start">
                          <Form.Item name={[f.name, 'relation']} rules={[{ required: true }]} style={{ minWidth: 120 }}>
                            <Select aria-label={t('experts.profile.relation')} options={(['works_for', 'holds_shares', 'advises'] as const).map((r) => ({ value: r, label: t(`interest.${r}`) }))} />
                          </Form.Item>
                          <Form.Item name={[f.name, 'organisation_name']} rules={[{ required: true, whitespace: true, message: t('experts.conflicts.pickOrg') }]}>
                            <Input aria-label={t('experts.organisation')} placeholder={t('experts.organisation')} maxLength={200} />
                          </Form.Item>
                          <Button onClick={() => remove(f.name)}>{t('experts.dossier.remove')}</Button>
                        </Space>
                      ))}
                      <Button onClick={() => add({ relation: 'advises', organisation_name: '', credit_code: null })}>{t('experts.profile.addInterest')}</Button>
                    </Space>
                  )}
                </Form.List>
                <Button kind="primary" htmlType="submit" loading={update.isPending} style={{ marginTop: 16 }}>
                  {t('experts.profile.save')}
                </Button>
              </Form>
            </Card>
          </Space>
        ))(me.data)}
      </QueryState>
    </>
  );
}

// --- administrators: the pool and invitations --------------------------------------------------

export function ExpertPoolPage() {
  const t = useT();
  const [status, setStatus] = useState<'pending' | 'verified' | 'rejected' | undefined>(undefined);
  const experts = useExperts(status);
  const invitations = useExpertInvitations();
  const verify = useVerifyExpert();
  const invite = useInviteExpert();
  const [code, setCode] = useState<string | null>(null);
  const [form] = Form.useForm<ExpertInvitationInput>();
  const showError = useShowError();
  const columns: TableColumns<Expert> = [
    { key: 'name', title: t('experts.name'), render: (_, e) => e.name },
    { key: 'org', title: t('experts.organisation'), render: (_, e) => e.organisation_name },
    { key: 'kind', title: t('experts.kind'), width: 110, render: (_, e) => t(`expertKind.${e.kind}`) },
    { key: 'load', title: t('experts.load'), width: 110, render: (_, e) => `${e.load} / ${e.yearly_capacity}` },
    { key: 'status', title: t('common.status'), width: 100, render: (_, e) => t(`verification.${e.status}`) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, e) =>
        e.status === 'pending' ? (
          <Space wrap>
            <Button size="small" kind="primary" onClick={() => verify.mutate({ id: e.user_id, approve: true }, { onError: (x) => showError(x) })}>
              {t('experts.verify')}
            </Button>
            <Button size="small" onClick={() => verify.mutate({ id: e.user_id, approve: false }, { onError: (x) => showError(x) })}>
              {t('experts.reject')}
            </Button>
          </Space>
        ) : null,
    },
  ];
  return (
    <>
      <PageHeader title={t('nav.experts.pool')} subtitle={t('experts.poolSubtitle')} />
      <Card title={t('experts.invite')}>
        <Form<ExpertInvitationInput>
          form={form}
          layout="vertical"
          aria-label={t('experts.invite')}
          onFinish={(values) => invite.mutate(values, { onSuccess: (created) => { setCode(created.code); form.resetFields(); }, onError: (e) => showError(e, { form, fields: ['name', 'contact', 'kind'] }) })}
        >
          <Form.Item name="name" label={t('experts.name')} rules={[{ required: true, message: t('form.required', { field: t('experts.name') }) }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="contact" label={t('experts.invite.contact')} rules={[{ required: true, message: t('form.required', { field: t('experts.invite.contact') }) }]}>
            <Input maxLength={254} />
          </Form.Item>
          <Form.Item name="kind" label={t('experts.kind')} rules={[{ required: true, message: t('form.required', { field: t('experts.kind') }) }]}>
            <Select options={KINDS.map((k) => ({ value: k, label: t(`expertKind.${k}`) }))} />
          </Form.Item>
          <Button kind="primary" htmlType="submit" loading={invite.isPending}>
            {t('experts.invite')}
          </Button>
        </Form>
        {code === null ? null : <Alert style={{ marginTop: 12 }} type="success" showIcon message={<Typography.Text copyable={{ text: `${window.location.origin}/experts/apply?code=${code}` }}>{t('experts.invite.code', { code })}</Typography.Text>} />}
      </Card>
      <Card title={t('nav.experts.pool')} style={{ marginTop: 16 }} extra={
        <Select<string> style={{ width: 140 }} aria-label={t('common.status')} value={status ?? 'all'} onChange={(v) => setStatus(v === 'all' ? undefined : (v as 'pending'))}
          options={[{ value: 'all', label: t('common.all') }, ...(['pending', 'verified', 'rejected'] as const).map((s) => ({ value: s, label: t(`verification.${s}`) }))]} />
      }>
        <Table<Expert>
          rowKey="user_id"
          columns={columns}
          dataSource={experts.data?.items}
          loading={experts.isPending}
          pagination={false}
          scroll={{ x: 640 }}
          expandable={{ expandedRowRender: (e) => <ManualConflicts expertId={e.user_id} /> }}
        />
      </Card>
      <Card title={t('experts.invitations')} style={{ marginTop: 16 }}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={invitations.data}
          loading={invitations.isPending}
          scroll={{ x: 480 }}
          columns={[
            { key: 'name', title: t('experts.name'), render: (_, i) => i.name },
            { key: 'contact', title: t('experts.invite.contact'), render: (_, i) => i.contact },
            { key: 'kind', title: t('experts.kind'), render: (_, i) => t(`expertKind.${i.kind}`) },
            { key: 'created', title: t('common.createdAt'), render: (_, i) => formatDateTime(i.created_at) },
            { key: 'used', title: t('common.status'), render: (_, i) => (i.used_at ? t('experts.invite.used') : t('experts.invite.open')) },
          ]}
        />
      </Card>
    </>
  );
}
