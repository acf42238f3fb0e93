import { useEffect, useState } from 'react';

import { CONTRACT_TYPES, type ContractInput, type Deal, type RegistrationInput } from '@/api/types';
import { Alert, Button, Col, DateInput, Descriptions, Divider, Form, Input, Money, MoneyInput, Row, Select, Typography, useMessage, useShowError } from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useAmendRegistration, useRecordContract, useRegisterContract } from '@/hooks/queries/deals';
import { useT } from '@/i18n';
import { formatDate } from '@/lib/dates';
import { formatYuan } from '@/lib/money';
import { cmp, isPositiveAmount, parseDec } from '@/lib/decimal';

import { CONTRACT_EDITABLE, runsDeal } from './access';
import { ContractEvidence, RegistryTag } from './EvidencePanel';

const CONTRACT_FIELDS = ['name', 'type', 'amount', 'signed_on', 'buyer_org_id', 'seller_org_id'] as const;
const REGISTRATION_FIELDS = ['registration_no', 'registered_on', 'technology_amount'] as const;

function ContractForm({ deal }: { deal: Deal }) {
  const t = useT();
  const [form] = Form.useForm<ContractInput>();
  const record = useRecordContract(deal.id);
  const showError = useShowError();
  const message = useMessage();
  const contract = deal.contract;
  const parties = [deal.demand.organisation, deal.achievement.organisation].filter((org) => org !== null);

  useEffect(() => {
    form.setFieldsValue(
      contract === null
        ? { buyer_org_id: deal.demand.organisation?.id, seller_org_id: deal.achievement.organisation?.id, type: 'development' }
        : {
            name: contract.name,
            type: contract.type,
            amount: contract.amount,
            signed_on: contract.signed_on,
            buyer_org_id: contract.buyer_org_id,
            seller_org_id: contract.seller_org_id,
          },
    );
  }, [form, contract, deal.demand.organisation, deal.achievement.organisation]);

  return (
    <Form<ContractInput>
      form={form}
      layout="vertical"
      data-testid="contract-form"
      aria-label={t('contract.form.label')}
      onFinish={(values) =>
        record.mutate(values, {
          onSuccess: () => void message.success(t('contract.saved')),
          onError: (error) => showError(error, { form, fields: CONTRACT_FIELDS }),
        })
      }
    >
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="name" label={t('contract.name')} rules={[required(t, t('contract.name'))]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="type" label={t('contract.type')} rules={[{ required: true }]}>
            <Select options={CONTRACT_TYPES.map((type) => ({ value: type, label: t(`contractType.${type}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="amount"
            label={t('contract.amount')}
            rules={[
              { required: true, message: t('form.required', { field: t('contract.amount') }) },
              { validator: (_rule, value: string | null) => (isPositiveAmount(value) ? Promise.resolve() : Promise.reject(new Error(t('form.positive')))) },
            ]}
          >
            <MoneyInput min="0.01" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="signed_on" label={t('contract.signedOn')} rules={[{ required: true, message: t('form.required', { field: t('contract.signedOn') }) }]}>
            <DateInput disabledFuture />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="buyer_org_id" label={t('contract.buyer')} extra={t('contract.buyer.hint')} rules={[{ required: true, message: t('form.required', { field: t('contract.buyer') }) }]}>
            <Select options={parties.map((org) => ({ value: org.id, label: org.name }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="seller_org_id"
            label={t('contract.seller')}
            dependencies={['buyer_org_id']}
            rules={[
              { required: true, message: t('form.required', { field: t('contract.seller') }) },
              ({ getFieldValue }) => ({
                validator: (_rule, value: number | undefined) =>
                  value !== undefined && value === getFieldValue('buyer_org_id') ? Promise.reject(new Error(t('contract.sameParty'))) : Promise.resolve(),
              }),
            ]}
          >
            <Select options={parties.map((org) => ({ value: org.id, label: org.name }))} />
          </Form.Item>
        </Col>
      </Row>
      <Button kind="primary" htmlType="submit" loading={record.isPending} data-testid="contract-submit">
        {contract === null ? t('contract.record') : t('contract.update')}
      </Button>
    </Form>
  );
}

/** Register the signed contract, or (`amend`) correct a registration: the parties confirm the
 *  corrected figures again and claims made on it are recomputed. */
function RegistrationForm({ deal, amend = false, onDone }: { deal: Deal; amend?: boolean; onDone?: () => void }) {
  const t = useT();
  const [form] = Form.useForm<RegistrationInput>();
  const register = useRegisterContract(deal.id);
  const correct = useAmendRegistration(deal.id);
  const save = amend ? correct : register;
  const showError = useShowError();
  const message = useMessage();
  const contract = deal.contract;
  const amount = contract?.amount ?? null;
  const initial: Partial<RegistrationInput> = amend && contract !== null
    ? { registration_no: contract.registration_no ?? undefined, registered_on: contract.registered_on ?? undefined, technology_amount: contract.technology_amount ?? undefined }
    : {};
  const labels: Record<(typeof REGISTRATION_FIELDS)[number], string> = {
    registration_no: t('contract.registrationNo'),
    registered_on: t('contract.registeredOn'),
    technology_amount: t('contract.technologyAmount'),
  };
  return (
    <Form<RegistrationInput>
      form={form}
      layout="vertical"
      data-testid={amend ? 'amend-registration-form' : 'registration-form'}
      aria-label={t(amend ? 'contract.amend' : 'contract.registration.label')}
      initialValues={initial}
      scrollToFirstError
      onFinishFailed={({ errorFields }) => {
        const missing = errorFields.map((field) => labels[field.name[0] as keyof typeof labels]).filter(Boolean);
        if (missing.length > 0) void message.warning(t('contract.form.incomplete', { fields: missing.join(t('list.separator')) }));
      }}
      onFinish={(values) =>
        save.mutate(values, {
          onSuccess: () => {
            void message.success(t(amend ? 'contract.amended' : 'contract.registered'));
            onDone?.();
          },
          onError: (error) => showError(error, { form, fields: REGISTRATION_FIELDS }),
        })
      }
    >
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item
            name="registration_no"
            label={t('contract.registrationNo')}
            extra={t('contract.registrationNo.hint')}
            normalize={(value: unknown) => (typeof value === 'string' ? value.replace(/\s+/g, '').toUpperCase() : value)}
            rules={[required(t, t('contract.registrationNo'))]}
          >
            <Input maxLength={40} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="registered_on" label={t('contract.registeredOn')} rules={[{ required: true, message: t('form.required', { field: t('contract.registeredOn') }) }]}>
            <DateInput disabledFuture />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="technology_amount"
            label={t('contract.technologyAmount')}
            extra={
              <>
                {t('contract.technologyAmount.hint')}
                {amount !== null && !amend ? (
                  <Button kind="link" size="small" onClick={() => form.setFieldsValue({ technology_amount: amount })} data-testid="technology-amount-use-contract">
                    {t('contract.technologyAmount.useContract', { amount: formatYuan(amount) })}
                  </Button>
                ) : null}
              </>
            }
            rules={[
              { required: true, message: t('form.required', { field: t('contract.technologyAmount') }) },
              {
                validator: (_rule, value: string | null) => {
                  const tech = value ? parseDec(value) : null;
                  const total = amount === null ? null : parseDec(amount);
                  return tech !== null && total !== null && cmp(tech, total) > 0 ? Promise.reject(new Error(t('contract.technologyAmount.tooHigh'))) : Promise.resolve();
                },
              },
            ]}
          >
            <MoneyInput />
          </Form.Item>
        </Col>
      </Row>
      <Button kind="primary" htmlType="submit" loading={save.isPending} data-testid={amend ? 'amend-registration-submit' : 'registration-submit'}>
        {t(amend ? 'contract.amend' : 'contract.register')}
      </Button>
    </Form>
  );
}

/** The contract as recorded, and — for the deal's brokers — the forms to record and register it. */
export function ContractSection({ deal }: { deal: Deal }) {
  const t = useT();
  const contract = deal.contract;
  const canEdit = runsDeal(deal) && CONTRACT_EDITABLE.has(deal.stage) && contract?.registration_no == null;
  const canRegister = runsDeal(deal) && deal.stage === 'signed' && contract !== null && contract.registration_no === null;
  const canAmend = runsDeal(deal) && (deal.stage === 'registered' || deal.stage === 'paid') && contract !== null && contract.registration_no !== null;
  const [amending, setAmending] = useState(false);

  return (
    <>
      {contract === null ? (
        <Alert
          type="info"
          showIcon
          message={t('contract.none')}
          description={runsDeal(deal) ? (CONTRACT_EDITABLE.has(deal.stage) ? t('contract.none.record') : t('contract.none.notYet')) : t('contract.none.party')}
          style={{ marginBottom: 16 }}
        />
      ) : (
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, md: 2 }}
          style={{ marginBottom: 16 }}
          items={[
            { key: 'name', label: t('contract.name'), children: contract.name },
            { key: 'type', label: t('contract.type'), children: t(`contractType.${contract.type}`) },
            { key: 'amount', label: t('contract.amount'), children: <Money value={contract.amount} testId="contract-amount" /> },
            { key: 'tech', label: t('contract.technologyAmount'), children: <Money value={contract.technology_amount} /> },
            { key: 'signed', label: t('contract.signedOn'), children: formatDate(contract.signed_on) },
            { key: 'no', label: t('contract.registrationNo'), children: contract.registration_no ?? t('contract.notRegistered') },
            { key: 'registered', label: t('contract.registeredOn'), children: formatDate(contract.registered_on) },
            { key: 'received', label: t('payment.received'), children: <Money value={contract.received_amount} testId="received-amount" /> },
            { key: 'remaining', label: t('payment.remaining'), children: <Money value={contract.remaining_amount} /> },
            {
              key: 'confirmed',
              label: t('evidence.confirmedAmount'),
              children: contract.confirmed_amount === null ? t('evidence.noneConfirmed') : <Money value={contract.confirmed_amount} testId="confirmed-amount" />,
            },
            { key: 'confirmedReceived', label: t('evidence.confirmedReceived'), children: <Money value={contract.confirmed_received_amount} testId="confirmed-received" /> },
            { key: 'registry', label: t('registry.label'), span: 2, children: <RegistryTag status={contract.registry_status} issues={contract.registry_issues} /> },
            { key: 'evidence', label: t('evidence.label'), span: 2, children: <ContractEvidence deal={deal} /> },
          ]}
        />
      )}
      {canEdit ? (
        <>
          <Divider orientation="left">{contract === null ? t('contract.record') : t('contract.update')}</Divider>
          <ContractForm deal={deal} />
        </>
      ) : null}
      {canRegister ? (
        <>
          <Divider orientation="left">{t('contract.register')}</Divider>
          <Typography.Paragraph type="secondary">{t('contract.register.explain')}</Typography.Paragraph>
          <RegistrationForm deal={deal} />
        </>
      ) : null}
      {canAmend && !amending ? (
        <Button onClick={() => setAmending(true)} data-testid="amend-registration">
          {t('contract.amend')}
        </Button>
      ) : null}
      {canAmend && amending ? (
        <>
          <Divider orientation="left">{t('contract.amend')}</Divider>
          <Typography.Paragraph type="secondary">{t('contract.amend.explain')}</Typography.Paragraph>
          <RegistrationForm deal={deal} amend onDone={() => setAmending(false)} />
          <Button kind="link" onClick={() => setAmending(false)}>
            {t('common.cancel')}
          </Button>
        </>
      ) : null}
    </>
  );
}
