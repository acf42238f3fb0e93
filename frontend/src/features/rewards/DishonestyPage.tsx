import { useState } from 'react';
import { Link } from 'react-router';

import type { DishonestyEntry, DishonestyInput, SubjectKind } from '@/api/types';
import {
  Button,
  Card,
  Col,
  DateInput,
  EmptyState,
  Form,
  icons,
  Input,
  InputNumber,
  LoadError,
  PageHeader,
  ReasonDialog,
  Row,
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
import { required } from '@/features/accounts/formRules';
import { type DishonestyFilters, useAddDishonesty, useDishonestyList, useRevokeDishonesty } from '@/hooks/queries/integrity';
import { useT } from '@/i18n';
import { formatDate, todayIso } from '@/lib/dates';

const KINDS: SubjectKind[] = ['broker', 'org', 'person'];

function AddForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const [form] = Form.useForm<DishonestyInput>();
  const add = useAddDishonesty();
  const message = useMessage();
  const showError = useShowError();
  const kind = Form.useWatch('subject_kind', form) as SubjectKind | undefined;
  return (
    <Form<DishonestyInput>
      form={form}
      layout="vertical"
      data-testid="dishonesty-form"
      initialValues={{ subject_kind: 'broker', years: 5 }}
      onFinish={(values) =>
        add.mutate(values, {
          onSuccess: () => {
            void message.success(t('dishonesty.added'));
            form.resetFields();
            onDone();
          },
          onError: (error) => showError(error, { form, fields: ['subject_kind', 'subject_key', 'reason', 'listed_on', 'years'] }),
        })
      }
    >
      <Row gutter={12}>
        <Col xs={24} md={6}>
          <Form.Item name="subject_kind" label={t('dishonesty.kind')}>
            <Select options={KINDS.map((k) => ({ value: k, label: t(`subjectKind.${k}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={10}>
          <Form.Item name="subject_key" label={t('dishonesty.key')} extra={kind === undefined ? undefined : t(`subjectKind.${kind}.hint`)} rules={[required(t, t('dishonesty.key'))]}>
            <Input maxLength={32} />
          </Form.Item>
        </Col>
        <Col xs={12} md={4}>
          <Form.Item name="listed_on" label={t('dishonesty.listedOn')}>
            <DateInput placeholder={todayIso()} />
          </Form.Item>
        </Col>
        <Col xs={12} md={4}>
          <Form.Item name="years" label={t('dishonesty.years')}>
            <InputNumber min={1} max={10} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="reason" label={t('common.reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('flag.reason.required') }]}>
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Space>
        <Button kind="danger" htmlType="submit" loading={add.isPending}>
          {t('dishonesty.add')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}

/** The dishonesty list (严重失信名单): who may not claim, why, and until when. */
export function DishonestyPage() {
  const t = useT();
  const [activeOnly, setActiveOnly] = useState(true);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const [revoking, setRevoking] = useState<DishonestyEntry | null>(null);
  const filters: DishonestyFilters = { active_on: activeOnly ? todayIso() : undefined, q: q || undefined, page };
  const list = useDishonestyList(filters);
  const revoke = useRevokeDishonesty();
  const message = useMessage();
  const showError = useShowError();

  const columns: TableColumns<DishonestyEntry> = [
    { key: 'subject', title: t('dishonesty.subject'), render: (_, e) => `${e.subject_label} (${e.subject_key})` },
    { key: 'kind', title: t('dishonesty.kind'), render: (_, e) => t(`subjectKind.${e.subject_kind}`) },
    { key: 'role', title: t('dishonesty.role'), render: (_, e) => e.role },
    { key: 'reason', title: t('common.reason'), render: (_, e) => <Typography.Paragraph ellipsis={{ rows: 2, expandable: true }} style={{ marginBottom: 0 }}>{e.reason}</Typography.Paragraph> },
    { key: 'period', title: t('dishonesty.period'), render: (_, e) => `${formatDate(e.listed_on)} – ${formatDate(e.listed_until)}` },
    { key: 'active', title: t('common.status'), render: (_, e) => (e.revoked_at !== null ? <Tag>{t('dishonesty.revoked')}</Tag> : e.active ? <Tag tone="danger">{t('dishonesty.active')}</Tag> : <Tag>{t('dishonesty.expired')}</Tag>) },
    { key: 'claim', title: t('claim.number'), render: (_, e) => (e.claim_id === null ? '—' : <Link to={`/admin/claims/${e.claim_id}`}>#{e.claim_id}</Link>) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, e) =>
        e.revoked_at === null && e.active ? (
          <Button kind="link" danger onClick={() => setRevoking(e)} data-testid={`revoke-${e.id}`}>
            {t('dishonesty.revoke')}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.admin.dishonesty')}
        subtitle={t('dishonesty.subtitle')}
        extra={
          <Button kind="danger" icon={<icons.StopOutlined />} onClick={() => setAdding(true)}>
            {t('dishonesty.add')}
          </Button>
        }
      />
      {adding ? (
        <Card title={t('dishonesty.add')} style={{ marginBottom: 16 }}>
          <AddForm onDone={() => setAdding(false)} />
        </Card>
      ) : null}
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('dishonesty.search')} aria-label={t('dishonesty.search')} onSearch={(value) => { setQ(value.trim()); setPage(1); }} style={{ width: 280 }} />
          <Switch checked={activeOnly} onChange={(checked) => { setActiveOnly(checked); setPage(1); }} aria-label={t('dishonesty.activeOnly')} />
          <span>{t('dishonesty.activeOnly')}</span>
        </Space>
        {list.isError ? (
          <LoadError error={list.error} retry={() => void list.refetch()} />
        ) : (
          <Table<DishonestyEntry>
            rowKey="id"
            columns={columns}
            dataSource={list.data?.items}
            loading={list.isPending}
            pagination={{ current: page, pageSize: 50, total: list.data?.total ?? 0, onChange: setPage }}
            locale={{ emptyText: <EmptyState description={activeOnly ? t('dishonesty.emptyActive') : t('dishonesty.empty')} /> }}
          />
        )}
      </Card>
      <ReasonDialog
        open={revoking !== null}
        title={t('dishonesty.revoke')}
        description={revoking === null ? undefined : t('dishonesty.revoke.explain', { subject: revoking.subject_label })}
        okText={t('dishonesty.revoke')}
        loading={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onSubmit={(reason) => {
          if (revoking === null) return;
          revoke.mutate(
            { id: revoking.id, reason },
            { onSuccess: () => { setRevoking(null); void message.success(t('dishonesty.revoked')); }, onError: (error) => showError(error) },
          );
        }}
      />
    </>
  );
}
