import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import type { HelpRequest, HelpRequestInput } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  Col,
  EmptyState,
  Form,
  Input,
  LoadError,
  PageHeader,
  Row,
  Select,
  Switch,
  Table,
  type TableColumns,
  useMessage,
  useShowError,
} from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { FieldSelect } from '@/features/listings/FieldSelect';
import { useAskForHelp, useDirectory, useHelpRequests } from '@/hooks/queries/intake';
import { useAchievement, useDemand } from '@/hooks/queries/listings';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { HelpStatusTag, LevelTag } from './labels';

const FIELDS = ['description', 'preferred_times', 'field_id', 'region', 'confidential', 'broker_id'] as const;

/** A firm asks for a broker's help (需求挖掘), and follows its requests. */
export function AskForHelpPage() {
  const t = useT();
  const [params] = useSearchParams();
  const picked = params.get('broker');
  const [form] = Form.useForm<HelpRequestInput>();
  // Asked from a match ("感兴趣，请经纪人引荐"): the pair fills in the request.
  const demandId = Number(params.get('demand'));
  const achievementId = Number(params.get('achievement'));
  const fromMatch = Number.isInteger(demandId) && demandId > 0 && Number.isInteger(achievementId) && achievementId > 0;
  const demand = useDemand(demandId, fromMatch);
  const achievement = useAchievement(achievementId, fromMatch);
  useEffect(() => {
    if (demand.data === undefined || achievement.data === undefined) return;
    if (form.getFieldValue('description')) return;
    form.setFieldsValue({
      description: t('roles.introduce.text', { achievement: achievement.data.title, demand: demand.data.title }),
      field_id: demand.data.field.id,
    });
  }, [demand.data, achievement.data, form, t]);
  const [search, setSearch] = useState('');
  const brokers = useDirectory({ q: search || undefined, page_size: 50 });
  const ask = useAskForHelp();
  const message = useMessage();
  const showError = useShowError();
  const [page, setPage] = useState(1);
  const requests = useHelpRequests({ page, page_size: 20 });

  const columns: TableColumns<HelpRequest> = [
    { key: 'id', title: '#', width: 70, render: (_, r) => <Link to={`/firm/help/${r.id}`}>#{r.id}</Link> },
    { key: 'status', title: t('common.status'), width: 100, render: (_, r) => <HelpStatusTag status={r.status} /> },
    { key: 'description', title: t('intake.help.description'), ellipsis: true, render: (_, r) => r.description },
    {
      key: 'broker',
      title: t('intake.help.broker'),
      render: (_, r) =>
        r.broker === null ? (
          t('intake.help.waiting')
        ) : (
          <>
            {r.broker.display_name} <LevelTag level={r.broker.level} />
          </>
        ),
    },
    { key: 'visits', title: t('intake.help.visits'), width: 80, align: 'right', render: (_, r) => r.visits },
    { key: 'drafts', title: t('intake.help.drafts'), width: 80, align: 'right', render: (_, r) => r.drafts },
    { key: 'created', title: t('common.createdAt'), width: 160, render: (_, r) => formatDateTime(r.created_at) },
  ];

  return (
    <>
      <PageHeader title={t('nav.intake.askForHelp')} subtitle={t('intake.help.subtitle')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card title={t('intake.help.new')}>
            <Form<HelpRequestInput>
              form={form}
              layout="vertical"
              aria-label={t('intake.help.new')}
              initialValues={{ confidential: false, broker_id: picked === null ? undefined : Number(picked) }}
              onFinish={(values) =>
                ask.mutate(
                  { ...values, region: values.region === '' ? null : (values.region ?? null) },
                  {
                    onSuccess: (made) => {
                      void message.success(t('intake.help.sent', { id: made.id }));
                      form.resetFields();
                    },
                    onError: (error) => showError(error, { form, fields: FIELDS }),
                  },
                )
              }
            >
              <Form.Item name="description" label={t('intake.help.description')} extra={t('intake.help.description.hint')} rules={[required(t, t('intake.help.description'))]}>
                <Input.TextArea rows={4} maxLength={2000} showCount data-testid="help-description" />
              </Form.Item>
              <Form.Item name="preferred_times" label={t('intake.help.preferredTimes')}>
                <Input maxLength={500} placeholder={t('intake.help.preferredTimes.placeholder')} />
              </Form.Item>
              <Form.Item name="field_id" label={t('common.field')}>
                <FieldSelect />
              </Form.Item>
              <Form.Item name="region" label={t('common.region')} extra={t('intake.help.region.hint')}>
                <Input maxLength={64} />
              </Form.Item>
              <Form.Item name="confidential" label={t('intake.help.confidential')} valuePropName="checked" extra={t('intake.help.confidential.hint')}>
                <Switch data-testid="help-confidential" />
              </Form.Item>
              <Form.Item name="broker_id" label={t('intake.help.pickBroker')} extra={t('intake.help.pickBroker.hint')}>
                <Select<number>
                  allowClear
                  showSearch
                  filterOption={false}
                  onSearch={setSearch}
                  placeholder={t('intake.help.pickBroker.placeholder')}
                  options={(brokers.data?.items ?? []).map((b) => ({
                    value: b.broker_id,
                    label: `${b.display_name} · ${t(`brokerLevel.${b.level}`)}${b.agency_name ? ` · ${b.agency_name}` : ''}`,
                  }))}
                />
              </Form.Item>
              <Alert type="info" showIcon message={t('intake.help.afterwards')} style={{ marginBottom: 16 }} />
              <Button kind="primary" htmlType="submit" loading={ask.isPending} data-testid="help-submit">
                {t('intake.help.submit')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card title={t('intake.help.mine')}>
            {requests.isError ? (
              <LoadError error={requests.error} retry={() => void requests.refetch()} />
            ) : (
              <Table<HelpRequest>
                rowKey="id"
                columns={columns}
                dataSource={requests.data?.items}
                loading={requests.isPending}
                scroll={{ x: 640 }}
                pagination={{ current: page, total: requests.data?.total ?? 0, onChange: setPage }}
                locale={{ emptyText: <EmptyState description={t('intake.help.none')} /> }}
              />
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
