import { useState } from 'react';
import { Link } from 'react-router';

import type { GradeProposal, GradeRule, GradeRuleInput, TrainingInput, TrainingRecord } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  Col,
  DateInput,
  Form,
  Input,
  InputNumber,
  PageHeader,
  Popconfirm,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  type TableColumns,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useSession } from '@/features/accounts/useSession';
import { useBrokers } from '@/hooks/queries/accounts';
import {
  useEvaluateGrades,
  useGradeProposals,
  useGradeRules,
  useMyDirectoryProfile,
  useProposalDecision,
  usePutGradeRule,
  useRecordTraining,
  useTraining,
  useUpdateDirectoryProfile,
} from '@/hooks/queries/intake';
import { useT } from '@/i18n';
import { formatDate, formatDateTime } from '@/lib/dates';

import { LevelTag } from './labels';
import { text } from './paths';

function TrainingTable({ rows, loading }: { rows: TrainingRecord[] | undefined; loading: boolean }) {
  const t = useT();
  const columns: TableColumns<TrainingRecord> = [
    { key: 'date', title: t('intake.training.date'), width: 110, render: (_, r) => formatDate(r.completed_on) },
    { key: 'kind', title: t('intake.training.kind'), width: 90, render: (_, r) => t(`intake.trainingKind.${r.kind}`) },
    { key: 'title', title: t('intake.training.title'), render: (_, r) => r.title },
    { key: 'hours', title: t('intake.training.hours'), width: 80, align: 'right', render: (_, r) => r.hours ?? '—' },
    {
      key: 'exam',
      title: t('intake.training.exam'),
      render: (_, r) => (r.kind === 'exam' ? `${r.exam_level ? t(`brokerLevel.${r.exam_level}`) : ''} ${r.score ?? ''} ${r.passed ? t('intake.training.passed') : t('intake.training.failed')}` : '—'),
    },
    { key: 'certificate', title: t('intake.training.certificate'), render: (_, r) => r.certificate_no ?? '—' },
  ];
  return <Table<TrainingRecord> rowKey="id" size="small" columns={columns} dataSource={rows} loading={loading} pagination={false} scroll={{ x: 600 }} locale={{ emptyText: t('intake.training.none') }} />;
}

/** A broker's directory profile (what they say of themselves) and their training record. */
export function MyBrokerProfilePage() {
  const t = useT();
  const session = useSession();
  const me = session.status === 'authenticated' ? session.user : null;
  const profile = useMyDirectoryProfile();
  const update = useUpdateDirectoryProfile();
  const training = useTraining(me?.id ?? null);
  const [form] = Form.useForm<{ region: string; languages: string[]; bio: string }>();
  const message = useMessage();
  const showError = useShowError();
  return (
    <>
      <PageHeader title={t('nav.intake.profile')} subtitle={t('intake.profile.subtitle')} extra={me === null ? null : <Link to={`/brokers/${me.id}`}>{t('intake.profile.public')}</Link>} />
      <Card title={t('intake.profile.directory')}>
        {profile.data === undefined ? null : (
          <Form
            form={form}
            layout="vertical"
            aria-label={t('intake.profile.directory')}
            initialValues={profile.data}
            onFinish={(values) =>
              update.mutate(values, {
                onSuccess: () => void message.success(t('common.saved')),
                onError: (error) => showError(error, { form, fields: ['region', 'languages', 'bio'] }),
              })
            }
          >
            <Form.Item name="region" label={t('common.region')}>
              <Input maxLength={64} />
            </Form.Item>
            <Form.Item name="languages" label={t('intake.directory.languages')}>
              <Select mode="tags" open={false} suffixIcon={null} maxCount={10} tokenSeparators={[',', '，', '、']} />
            </Form.Item>
            <Form.Item name="bio" label={t('intake.directory.bio')}>
              <Input.TextArea rows={4} maxLength={1000} showCount />
            </Form.Item>
            <Button kind="primary" htmlType="submit" loading={update.isPending}>
              {t('common.save')}
            </Button>
          </Form>
        )}
      </Card>
      <Card title={t('intake.training')} style={{ marginTop: 16 }}>
        <TrainingTable rows={training.data} loading={training.isPending} />
      </Card>
    </>
  );
}

/** Administrators record training and exams for a broker. */
export function TrainingPage() {
  const t = useT();
  const brokers = useBrokers({ status: 'verified' });
  const [brokerId, setBrokerId] = useState<number | null>(null);
  const training = useTraining(brokerId);
  const record = useRecordTraining(brokerId ?? 0);
  const [form] = Form.useForm<TrainingInput>();
  const kind = Form.useWatch('kind', form);
  const message = useMessage();
  const showError = useShowError();
  return (
    <>
      <PageHeader title={t('nav.intake.training')} subtitle={t('intake.training.subtitle')} />
      <Card>
        <Select<number>
          showSearch
          optionFilterProp="label"
          style={{ width: '100%', maxWidth: 420 }}
          placeholder={t('intake.training.pickBroker')}
          aria-label={t('intake.training.pickBroker')}
          value={brokerId ?? undefined}
          onChange={(v) => setBrokerId(v)}
          options={(brokers.data?.items ?? []).map((b) => ({ value: b.user_id, label: `${b.display_name} · ${t(`brokerLevel.${b.level}`)} · ${b.certificate_no}` }))}
        />
      </Card>
      {brokerId === null ? null : (
        <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
          <Col xs={24} lg={14}>
            <Card title={t('intake.training')}>
              <TrainingTable rows={training.data} loading={training.isPending} />
            </Card>
          </Col>
          <Col xs={24} lg={10}>
            <Card title={t('intake.training.new')}>
              <Form<TrainingInput>
                form={form}
                layout="vertical"
                aria-label={t('intake.training.new')}
                initialValues={{ kind: 'course' }}
                onFinish={(values) =>
                  record.mutate(values, {
                    onSuccess: () => {
                      void message.success(t('intake.training.recorded'));
                      form.resetFields();
                    },
                    onError: (error) => showError(error, { form, fields: ['kind', 'title', 'hours', 'exam_level', 'score', 'passed', 'completed_on', 'certificate_no'] }),
                  })
                }
              >
                <Form.Item name="kind" label={t('intake.training.kind')}>
                  <Radio.Group options={[{ value: 'course', label: t('intake.trainingKind.course') }, { value: 'exam', label: t('intake.trainingKind.exam') }]} />
                </Form.Item>
                <Form.Item name="title" label={t('intake.training.title')} rules={[required(t, t('intake.training.title'))]}>
                  <Input maxLength={200} />
                </Form.Item>
                {kind === 'exam' ? (
                  <>
                    <Form.Item name="exam_level" label={t('intake.training.examLevel')} rules={[{ required: true, message: t('form.required', { field: t('intake.training.examLevel') }) }]}>
                      <Select options={(['intermediate', 'senior'] as const).map((l) => ({ value: l, label: t(`brokerLevel.${l}`) }))} />
                    </Form.Item>
                    <Form.Item name="score" label={t('intake.training.score')}>
                      <InputNumber min={0} max={1000} step={0.5} style={{ width: '100%' }} />
                    </Form.Item>
                    <Form.Item name="passed" label={t('intake.training.passed')} valuePropName="checked" initialValue={false}>
                      <Switch />
                    </Form.Item>
                  </>
                ) : (
                  <Form.Item name="hours" label={t('intake.training.hours')} rules={[{ required: true, message: t('form.required', { field: t('intake.training.hours') }) }]}>
                    <InputNumber min={0.5} max={2000} step={0.5} style={{ width: '100%' }} />
                  </Form.Item>
                )}
                <Form.Item name="completed_on" label={t('intake.training.date')} rules={[required(t, t('intake.training.date'))]}>
                  <DateInput />
                </Form.Item>
                <Form.Item name="certificate_no" label={t('intake.training.certificate')}>
                  <Input maxLength={64} />
                </Form.Item>
                <Button kind="primary" htmlType="submit" loading={record.isPending}>
                  {t('intake.training.submit')}
                </Button>
              </Form>
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}

function RuleForm({ rule }: { rule: GradeRule }) {
  const t = useT();
  const put = usePutGradeRule();
  const [form] = Form.useForm<GradeRuleInput>();
  const message = useMessage();
  const showError = useShowError();
  const level = rule.level === 'senior' ? 'senior' : 'intermediate';
  return (
    <Form<GradeRuleInput>
      form={form}
      layout="vertical"
      aria-label={t('intake.rules.for', { level: t(`brokerLevel.${rule.level}`) })}
      initialValues={rule}
      onFinish={(values) =>
        put.mutate({ level, body: values }, { onSuccess: () => void message.success(t('common.saved')), onError: (e) => showError(e, { form, fields: ['min_training_hours', 'min_registered_deals', 'min_deal_value', 'window_months'] }) })
      }
    >
      <Typography.Title level={5}>
        <LevelTag level={rule.level} />
      </Typography.Title>
      <Row gutter={12}>
        <Col xs={12}>
          <Form.Item name="min_training_hours" label={t('intake.rules.hours')}>
            <InputNumber min={0} step={1} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="min_registered_deals" label={t('intake.rules.deals')}>
            <InputNumber min={0} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="min_deal_value" label={t('intake.rules.value')}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="window_months" label={t('intake.rules.window')}>
            <InputNumber min={1} max={120} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Space wrap>
        <Form.Item name="exam_required" label={t('intake.rules.exam')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="no_upheld_finding" label={t('intake.rules.noFinding')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="active" label={t('intake.rules.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Space>
      <Button htmlType="submit" loading={put.isPending}>
        {t('common.save')}
      </Button>
    </Form>
  );
}

/** Promotion proposals from the nightly evaluation, for an administrator to confirm; the rules. */
export function PromotionsPage() {
  const t = useT();
  const proposals = useGradeProposals('pending');
  const decide = useProposalDecision();
  const evaluate = useEvaluateGrades();
  const rules = useGradeRules();
  const message = useMessage();
  const showError = useShowError();
  const run = (p: GradeProposal, confirm: boolean) =>
    decide.mutate({ id: p.id, confirm, note: '' }, { onSuccess: () => void message.success(t(confirm ? 'intake.proposals.confirmed' : 'intake.proposals.rejected')), onError: (e) => showError(e) });
  const columns: TableColumns<GradeProposal> = [
    { key: 'broker', title: t('intake.directory.broker'), render: (_, p) => <Link to={`/brokers/${p.broker.id}`}>{p.broker.display_name}</Link> },
    {
      key: 'move',
      title: t('intake.proposals.move'),
      render: (_, p) => (
        <Space size={4}>
          <LevelTag level={p.from_level} />→<LevelTag level={p.to_level} />
        </Space>
      ),
    },
    {
      key: 'evidence',
      title: t('intake.proposals.evidence'),
      render: (_, p) => t('intake.proposals.evidenceText', { hours: text(p.evidence, 'training_hours'), deals: text(p.evidence, 'registered_deals'), value: text(p.evidence, 'deal_value'), since: text(p.evidence, 'since') }),
    },
    { key: 'at', title: t('intake.proposals.at'), width: 160, render: (_, p) => formatDateTime(p.proposed_at) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, p) => (
        <Space size={0} wrap>
          <Popconfirm title={t('intake.proposals.confirm.question')} onConfirm={() => run(p, true)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
            <Button kind="link" data-testid={`proposal-confirm-${p.id}`}>
              {t('intake.proposals.confirm')}
            </Button>
          </Popconfirm>
          <Popconfirm title={t('intake.proposals.reject.question')} onConfirm={() => run(p, false)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
            <Button kind="link" danger>
              {t('intake.proposals.reject')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return (
    <>
      <PageHeader
        title={t('nav.intake.promotions')}
        subtitle={t('intake.proposals.subtitle')}
        extra={
          <Button
            loading={evaluate.isPending}
            onClick={() => evaluate.mutate(undefined, { onSuccess: (r) => void message.success(t('intake.proposals.evaluated', { proposed: r.proposed, evaluated: r.brokers_evaluated })), onError: (e) => showError(e) })}
          >
            {t('intake.proposals.evaluate')}
          </Button>
        }
      />
      <Card title={t('intake.proposals.pending')}>
        <Table<GradeProposal> rowKey="id" columns={columns} dataSource={proposals.data} loading={proposals.isPending} pagination={false} scroll={{ x: 640 }} locale={{ emptyText: t('intake.proposals.none') }} />
      </Card>
      <Card title={t('intake.rules')} style={{ marginTop: 16 }}>
        <Alert type="info" showIcon message={t('intake.rules.explain')} style={{ marginBottom: 16 }} />
        <Row gutter={[24, 24]}>
          {(rules.data ?? []).map((rule) => (
            <Col key={rule.level} xs={24} lg={12}>
              <RuleForm rule={rule} />
            </Col>
          ))}
        </Row>
      </Card>
    </>
  );
}
