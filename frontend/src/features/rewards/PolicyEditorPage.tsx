import { useEffect, useState } from 'react';

import { BROKER_LEVELS, type Policy, REGION_BASES } from '@/api/types';
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
  List,
  LoadError,
  MoneyInput,
  PageHeader,
  Row,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { usePolicies, usePolicyVersions, useSavePolicy } from '@/hooks/queries/rewards';
import { useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';
import { formatDate, formatDateTime } from '@/lib/dates';
import { ratePercent } from '@/lib/decimal';
import { REWARD_BASES } from '@/lib/reward';

import { bracketsFromForm, NEW_POLICY, type PolicyFormValues, policyToValues, termsFromForm } from './policyForm';
import { RewardCalculator } from './RewardCalculator';

const POLICY_FIELDS = ['key', 'name', 'region', 'region_basis', 'registry_grace_days', 'agency_share_percent', 'base', 'brackets', 'grade_percent', 'cap_per_claim', 'cap_per_broker_year', 'effective_from', 'effective_until', 'claim_window_days', 'note'];

function PolicyForm({ policy, onSaved }: { policy: Policy | null; onSaved: (saved: Policy) => void }) {
  const t = useT();
  const [form] = Form.useForm<PolicyFormValues>();
  const save = useSavePolicy();
  const message = useMessage();
  const showError = useShowError();
  const watched = Form.useWatch([], form) as PolicyFormValues | undefined;

  useEffect(() => {
    form.resetFields();
    form.setFieldsValue(policy === null ? NEW_POLICY : policyToValues(policy));
  }, [form, policy]);

  const values = watched ?? (policy === null ? NEW_POLICY : policyToValues(policy));
  const onFinish = (submitted: PolicyFormValues) => {
    const terms = termsFromForm(submitted);
    const request = policy === null ? { kind: 'create' as const, body: { ...terms, key: (submitted.key ?? '').trim() } } : { kind: 'revise' as const, id: policy.id, body: terms };
    save.mutate(request, {
      onSuccess: (saved) => {
        void message.success(policy === null ? t('policy.created') : t('policy.revised', { version: saved.version }));
        onSaved(saved);
      },
      onError: (error) => showError(error, { form, fields: POLICY_FIELDS }),
    });
  };

  return (
    <Row gutter={16}>
      <Col xs={24} xl={13}>
        <Card title={policy === null ? t('policy.new') : t('policy.editing', { key: policy.key, version: policy.version })}>
          <Form<PolicyFormValues> form={form} layout="vertical" onFinish={onFinish} data-testid="policy-form">
            {policy === null ? (
              <Form.Item name="key" label={t('policy.key')} extra={t('policy.key.hint')} rules={[required(t, t('policy.key')), { pattern: /^[a-z0-9][a-z0-9-]{1,63}$/, message: t('policy.key.invalid') }]}>
                <Input maxLength={64} style={{ fontFamily: 'monospace' }} />
              </Form.Item>
            ) : null}
            <Row gutter={12}>
              <Col xs={24} md={14}>
                <Form.Item name="name" label={t('policy.name')} rules={[required(t, t('policy.name'))]}>
                  <Input maxLength={200} />
                </Form.Item>
              </Col>
              <Col xs={24} md={10}>
                <Form.Item name="region" label={t('common.region')} extra={t('policy.region.hint')}>
                  <Input maxLength={64} />
                </Form.Item>
              </Col>
              <Col xs={24} md={14}>
                <Form.Item name="region_basis" label={t('policy.regionBasis')} extra={t(`policy.regionBasis.${values.region_basis}.explain`)}>
                  <Select options={REGION_BASES.map((basis) => ({ value: basis, label: t(`policy.regionBasis.${basis}`) }))} />
                </Form.Item>
              </Col>
              <Col xs={12} md={5}>
                <Form.Item name="registry_grace_days" label={t('policy.registryGrace')} extra={t('policy.registryGrace.hint')}>
                  <InputNumber min={0} max={365} precision={0} suffix={t('policy.days')} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={12} md={5}>
                <Form.Item name="agency_share_percent" label={t('policy.agencyShare')} extra={t('policy.agencyShare.hint')}>
                  <InputNumber<string> stringMode min="0" max="99.99" step="1" suffix="%" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
            <Typography.Text strong>{t('policy.gradePercent')}</Typography.Text>
            <Typography.Paragraph type="secondary">{t('policy.gradePercent.hint')}</Typography.Paragraph>
            <Row gutter={12}>
              {BROKER_LEVELS.map((grade) => (
                <Col xs={8} md={5} key={grade}>
                  <Form.Item name={['grade_percent', grade]} label={codeLabel(t, 'BrokerLevel', grade)}>
                    <InputNumber<string> stringMode min="0" max="200" step="5" placeholder="100" suffix="%" style={{ width: '100%' }} data-testid={`grade-percent-${grade}`} />
                  </Form.Item>
                </Col>
              ))}
            </Row>
            <Form.Item name="base" label={t('policy.base')} extra={t(`rewardBase.${values.base}.explain`)}>
              <Select options={REWARD_BASES.map((base) => ({ value: base, label: t(`rewardBase.${base}`) }))} />
            </Form.Item>
            <Typography.Text strong>{t('policy.brackets')}</Typography.Text>
            <Typography.Paragraph type="secondary">{t('policy.brackets.hint')}</Typography.Paragraph>
            <Form.List name="brackets">
              {(rows, { add, remove }) => (
                <>
                  {rows.map((row, index) => {
                    const last = index === rows.length - 1;
                    return (
                      <Space key={row.key} align="baseline" wrap data-testid={`bracket-${index}`}>
                        {last ? (
                          <Form.Item label={t('policy.bracket.upper')}>
                            <Input disabled value={t('policy.bracket.unbounded')} style={{ width: 200 }} />
                          </Form.Item>
                        ) : (
                          <Form.Item name={[row.name, 'upper']} label={t('policy.bracket.upper')} rules={[{ required: true, message: t('policy.bracket.upper.required') }]}>
                            <MoneyInput style={{ width: 200 }} aria-label={t('policy.bracket.upperOf', { row: index + 1 })} />
                          </Form.Item>
                        )}
                        <Form.Item name={[row.name, 'percent']} label={t('policy.bracket.rate')} rules={[{ required: true, message: t('policy.bracket.rate.required') }]}>
                          <InputNumber<string> stringMode min="0" max="100" step="0.1" suffix="%" style={{ width: 140 }} aria-label={t('policy.bracket.rateOf', { row: index + 1 })} />
                        </Form.Item>
                        {rows.length > 1 ? <Button kind="text" icon={<icons.MinusCircleOutlined />} aria-label={t('policy.bracket.remove', { row: index + 1 })} onClick={() => remove(row.name)} /> : null}
                      </Space>
                    );
                  })}
                  <Button icon={<icons.PlusOutlined />} onClick={() => add({ upper: null, percent: '1' }, Math.max(0, rows.length - 1))} style={{ marginBottom: 16 }}>
                    {t('policy.bracket.add')}
                  </Button>
                </>
              )}
            </Form.List>
            <Row gutter={12}>
              <Col xs={24} md={12}>
                <Form.Item name="cap_per_claim" label={t('policy.capPerClaim')} extra={t('policy.cap.hint')}>
                  <MoneyInput />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="cap_per_broker_year" label={t('policy.capPerBrokerYear')} extra={t('policy.cap.hint')}>
                  <MoneyInput />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="effective_from" label={t('policy.effectiveFrom')} rules={[{ required: true, message: t('form.required', { field: t('policy.effectiveFrom') }) }]}>
                  <DateInput />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="effective_until" label={t('policy.effectiveUntil')}>
                  <DateInput />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="claim_window_days" label={t('policy.claimWindow')} rules={[{ required: true, message: t('form.required', { field: t('policy.claimWindow') }) }]}>
                  <InputNumber min={1} max={3650} precision={0} suffix={t('policy.days')} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="note" label={t('policy.note')}>
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
            <Typography.Paragraph type="secondary">{policy === null ? null : t('policy.versioning')}</Typography.Paragraph>
            <Button kind="primary" htmlType="submit" loading={save.isPending} data-testid="policy-save">
              {policy === null ? t('policy.create') : t('policy.saveVersion')}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={11}>
        <Card title={t('calculator.title')} extra={<Typography.Text type="secondary">{t('calculator.live')}</Typography.Text>}>
          <RewardCalculator
            policy={{
              base: values.base,
              brackets: bracketsFromForm(values.brackets),
              capPerClaim: values.cap_per_claim,
              capPerBrokerYear: values.cap_per_broker_year,
            }}
          />
        </Card>
      </Col>
    </Row>
  );
}

function Versions({ policy }: { policy: Policy }) {
  const t = useT();
  const versions = usePolicyVersions(policy.id);
  if (versions.isError) return <LoadError error={versions.error} />;
  return (
    <List<Policy>
      size="small"
      loading={versions.isPending}
      dataSource={[...(versions.data ?? [])].reverse()}
      renderItem={(version) => (
        <List.Item>
          <Space wrap>
            <Tag tone={version.superseded_at === null ? 'success' : 'neutral'}>v{version.version}</Tag>
            <span>{version.brackets.map((b) => `${b.upper ?? '∞'}: ${ratePercent(b.rate)}`).join(' · ')}</span>
            <Typography.Text type="secondary">{t('policy.savedAt', { at: formatDateTime(version.created_at) })}</Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}

/** Reward policies as data: brackets, base, caps, dates; each save is a new version. */
export function PolicyEditorPage() {
  const t = useT();
  const policies = usePolicies();
  const [selected, setSelected] = useState<number | 'new' | null>(null);
  const current = policies.data?.find((p) => p.id === selected) ?? (selected === 'new' ? null : (policies.data?.[0] ?? null));

  return (
    <>
      <PageHeader
        title={t('nav.admin.policies')}
        subtitle={t('policy.subtitle')}
        extra={
          <Button icon={<icons.PlusOutlined />} onClick={() => setSelected('new')} data-testid="new-policy">
            {t('policy.new')}
          </Button>
        }
      />
      {policies.isError ? (
        <LoadError error={policies.error} retry={() => void policies.refetch()} />
      ) : policies.isPending ? (
        <Spin />
      ) : (
        <>
          <Card style={{ marginBottom: 16 }}>
            {policies.data.length === 0 ? (
              <EmptyState description={t('policy.none')} />
            ) : (
              <Space wrap>
                {policies.data.map((policy) => (
                  <Button
                    key={policy.id}
                    kind={current?.id === policy.id && selected !== 'new' ? 'primary' : 'secondary'}
                    onClick={() => setSelected(policy.id)}
                    style={{ whiteSpace: 'normal', height: 'auto', maxWidth: '100%', textAlign: 'start' }}
                  >
                    {policy.name} · v{policy.version} · {policy.region ?? t('policy.allRegions')} · {formatDate(policy.effective_from)}
                  </Button>
                ))}
              </Space>
            )}
          </Card>
          <PolicyForm key={selected === 'new' ? 'new' : (current?.id ?? 'none')} policy={selected === 'new' ? null : current} onSaved={(saved) => setSelected(saved.id)} />
          {selected !== 'new' && current !== null ? (
            <Card title={t('policy.versions')} style={{ marginTop: 16 }}>
              <Versions policy={current} />
            </Card>
          ) : null}
        </>
      )}
    </>
  );
}
