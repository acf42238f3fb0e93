import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';

import { API_ENUMS } from '@/api/enums';
import type { FollowUpStatus, Roadshow, RoadshowInput } from '@/api/types';
import {
  Button,
  Card,
  Col,
  DateInput,
  Form,
  Input,
  PageHeader,
  QueryState,
  Row,
  Select,
  Space,
  Tag,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useFinancingRequests, useRoadshow, useRoadshowInterest, useRoadshowInterests, useRoadshowInvite, useSaveRoadshow } from '@/hooks/queries/capital';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { InvestorPicker } from './FinancingEditor';

interface RoadshowFormValues {
  theme: string;
  description: string;
  date: string;
  time: string;
  place?: string;
  online_link?: string;
}

const ROADSHOW_FIELDS = ['theme', 'description', 'starts_at', 'place', 'online_link'] as const;

function toValues(show: Roadshow): RoadshowFormValues {
  const [date = '', time = ''] = formatDateTime(show.starts_at).split(' ');
  return { theme: show.theme, description: show.description, date, time, place: show.place ?? '', online_link: show.online_link ?? '' };
}

function toInput(values: RoadshowFormValues): RoadshowInput {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());
  // No offset: the server reads it as Beijing time, whatever the browser's zone.
  return { theme: values.theme, description: values.description, starts_at: `${values.date}T${values.time}:00`, place: blank(values.place), online_link: blank(values.online_link) };
}

function RoadshowForm({ initial, id }: { initial?: RoadshowFormValues; id?: number }) {
  const t = useT();
  const [form] = Form.useForm<RoadshowFormValues>();
  const save = useSaveRoadshow();
  const showError = useShowError();
  const message = useMessage();
  const navigate = useNavigate();
  return (
    <Form<RoadshowFormValues> form={form} layout="vertical" data-testid="roadshow-form" initialValues={initial ?? { time: '14:00', description: '' }}
      onFinish={(values) => save.mutate({ id, body: toInput(values) }, {
        onSuccess: () => { void message.success(t('common.saved')); void navigate('/admin/roadshows'); },
        onError: (e) => {
          // The start is one field on the server, two here.
          const setFields = (fields: { name: (string | number)[]; errors?: string[] }[]) =>
            form.setFields(fields.map((f) => ({ name: [(f.name[0] === 'starts_at' ? 'date' : f.name[0]) as keyof RoadshowFormValues], errors: f.errors })));
          showError(e, { form: { setFields }, fields: ROADSHOW_FIELDS });
        },
      })}>
      <Form.Item name="theme" label={t('capital.roadshow.theme')} rules={[required(t, t('capital.roadshow.theme')), { max: 200 }]}>
        <Input maxLength={200} data-testid="roadshow-theme" />
      </Form.Item>
      <Form.Item name="description" label={t('capital.roadshow.description')}>
        <Input.TextArea rows={3} maxLength={4000} />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={14} md={8}>
          <Form.Item name="date" label={t('capital.roadshow.date')} rules={[{ required: true, message: t('form.required', { field: t('capital.roadshow.date') }) }]}>
            <DateInput aria-label={t('capital.roadshow.date')} />
          </Form.Item>
        </Col>
        <Col xs={10} md={6}>
          <Form.Item name="time" label={t('capital.roadshow.time')} extra={t('capital.roadshow.time.hint')}
            rules={[{ required: true, pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: t('capital.roadshow.time.invalid') }]}>
            <Input placeholder="14:00" maxLength={5} data-testid="roadshow-time" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="place" label={t('capital.roadshow.place')} extra={t('capital.roadshow.somewhere')}>
        <Input maxLength={200} data-testid="roadshow-place" />
      </Form.Item>
      <Form.Item name="online_link" label={t('capital.roadshow.link')}>
        <Input maxLength={500} placeholder="https://" />
      </Form.Item>
      <Button kind="primary" htmlType="submit" loading={save.isPending} data-testid="roadshow-save">{t('common.save')}</Button>
    </Form>
  );
}

export function NewRoadshowPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('capital.roadshow.new')} subtitle={t('capital.roadshow.subtitle')} />
      <Card><RoadshowForm /></Card>
    </>
  );
}

export function EditRoadshowPage() {
  const t = useT();
  const id = Number(useParams().roadshowId);
  const show = useRoadshow(id);
  return (
    <QueryState isPending={show.isPending} error={show.error} retry={() => void show.refetch()}>
      {show.data === undefined ? null : (
        <>
          <PageHeader title={t('capital.roadshow.edit')} subtitle={show.data.theme} />
          <Card>
            {show.data.status === 'planned' ? <RoadshowForm id={id} initial={toValues(show.data)} /> : <Typography.Text>{t(`roadshowStatus.${show.data.status}`)}</Typography.Text>}
          </Card>
        </>
      )}
    </QueryState>
  );
}

/** The organiser invites published requests (by title) and verified investors (by name). */
export function RoadshowInvitations({ show }: { show: Roadshow }) {
  const t = useT();
  const requests = useFinancingRequests();
  const invite = useRoadshowInvite();
  const showError = useShowError();
  const [requestId, setRequestId] = useState<number | undefined>();
  const [investorId, setInvestorId] = useState<number | undefined>();
  const invited = new Set(show.presentations.map((p) => p.request_id));
  const open = (requests.data?.items ?? []).filter((r) => r.status === 'published' && !invited.has(r.id));
  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 8 }}>
      <Space.Compact style={{ width: '100%', maxWidth: 560 }}>
        <Select<number> showSearch optionFilterProp="label" value={requestId} onChange={setRequestId} allowClear
          placeholder={t('capital.roadshow.inviteRequest')} aria-label={t('capital.roadshow.inviteRequest')} style={{ width: '100%' }}
          data-testid={`invite-request-${show.id}`} notFoundContent={t('capital.roadshow.noRequests')}
          options={open.map((r) => ({ value: r.id, label: `${r.title} · ${r.organisation_name}` }))} />
        <Button disabled={requestId === undefined} loading={invite.isPending} data-testid={`invite-request-go-${show.id}`}
          onClick={() => requestId !== undefined && invite.mutate({ id: show.id, requestId }, { onSuccess: () => setRequestId(undefined), onError: (e) => showError(e) })}>
          {t('capital.roadshow.invite')}
        </Button>
      </Space.Compact>
      <Space.Compact style={{ width: '100%', maxWidth: 560 }}>
        <InvestorPicker value={investorId} onChange={(v) => setInvestorId(typeof v === 'number' ? v : undefined)}
          exclude={(show.investors ?? []).map((i) => i.organisation_id)} aria-label={t('capital.roadshow.inviteInvestor')} data-testid={`invite-investor-${show.id}`} />
        <Button disabled={investorId === undefined} loading={invite.isPending} data-testid={`invite-investor-go-${show.id}`}
          onClick={() => investorId !== undefined && invite.mutate({ id: show.id, organisationId: investorId }, { onSuccess: () => setInvestorId(undefined), onError: (e) => showError(e) })}>
          {t('capital.roadshow.invite')}
        </Button>
      </Space.Compact>
    </Space>
  );
}

export function InvitedInvestors({ show }: { show: Roadshow }) {
  const t = useT();
  if (!show.investors || show.investors.length === 0) return null;
  return (
    <Typography.Paragraph style={{ marginTop: 8 }}>
      <Typography.Text type="secondary">{`${t('capital.roadshow.investors')}: `}</Typography.Text>
      {show.investors.map((i) => (
        <Tag key={i.organisation_id} tone={i.registered_at ? 'success' : undefined}>
          {`${i.name} · ${i.registered_at ? t('capital.roadshow.registered') : t('capital.roadshow.notRegistered')}`}
        </Tag>
      ))}
    </Typography.Paragraph>
  );
}

/** After a roadshow, the investor's follow-up on a project: interested → meeting → due diligence / dropped. */
export function FollowUpSelect({ show, requestId }: { show: Roadshow; requestId: number }) {
  const t = useT();
  const interests = useRoadshowInterests(show.id, show.status === 'held');
  const record = useRoadshowInterest();
  const showError = useShowError();
  const current = interests.data?.find((i) => i.request_id === requestId)?.status;
  return (
    <Space wrap>
      <Typography.Text>{t('capital.roadshow.followUp')}</Typography.Text>
      <Select<FollowUpStatus> value={current} placeholder={t('capital.roadshow.followUp.none')} style={{ minWidth: 180 }}
        aria-label={t('capital.roadshow.followUp')} data-testid={`roadshow-interest-${requestId}`} loading={record.isPending}
        onChange={(status) => record.mutate({ id: show.id, requestId, status }, { onError: (e) => showError(e) })}
        options={API_ENUMS.FollowUpStatus.map((s) => ({ value: s, label: t(`followUpStatus.${s}`) }))} />
    </Space>
  );
}
