import { useState } from 'react';
import { Link } from 'react-router';

import { BROKER_LEVELS, type BrokerLevel, type OrganisationKind } from '@/api/types';
import { Button, Card, Flex, Form, Input, PageHeader, Radio, Segmented, Select, Typography, useMessage } from '@/components/ui';
import { type Translate, useT } from '@/i18n';
import { normalizeCreditCode } from '@/lib/creditCode';

import { creditCodeRule, required } from './formRules';

type Applicant = 'organisation' | 'broker';

const ORGANISATION_KINDS = ['firm', 'institute', 'agency'] as const satisfies readonly OrganisationKind[];
const MIN_PASSWORD = 8;

interface AccountFields {
  username: string;
  password: string;
  password_confirm: string;
}

export interface OrganisationRegistration extends AccountFields {
  kind: (typeof ORGANISATION_KINDS)[number];
  name: string;
  credit_code: string;
  contact_name: string;
  contact_phone: string;
  email: string;
}

export interface BrokerRegistration extends AccountFields {
  display_name: string;
  level: BrokerLevel;
  fields: string[];
  agency_name?: string;
  contact_phone: string;
  email: string;
}

function AccountItems({ t }: { t: Translate }) {
  return (
    <>
      <Form.Item name="username" label={t('register.username')} rules={[required(t, t('register.username'))]}>
        <Input autoComplete="username" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('register.password')}
        rules={[required(t, t('register.password')), { min: MIN_PASSWORD, message: t('register.password.tooShort', { min: MIN_PASSWORD }) }]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="password_confirm"
        label={t('register.passwordConfirm')}
        dependencies={['password']}
        rules={[
          required(t, t('register.passwordConfirm')),
          ({ getFieldValue }) => ({
            validator: (_rule, value: unknown) =>
              value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('register.passwordMismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}

function OrganisationForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const [form] = Form.useForm<OrganisationRegistration>();
  return (
    <Form<OrganisationRegistration> form={form} layout="vertical" initialValues={{ kind: 'firm' }} onFinish={onDone}>
      <Form.Item name="kind" label={t('register.orgKind')} rules={[{ required: true }]}>
        <Radio.Group
          optionType="button"
          options={ORGANISATION_KINDS.map((kind) => ({ value: kind, label: t(`orgKind.${kind}`) }))}
        />
      </Form.Item>
      <Form.Item name="name" label={t('register.orgName')} rules={[required(t, t('register.orgName'))]}>
        <Input autoComplete="organization" />
      </Form.Item>
      <Form.Item
        name="credit_code"
        label={t('register.creditCode')}
        extra={t('register.creditCode.hint')}
        normalize={(value: unknown) => (typeof value === 'string' ? normalizeCreditCode(value) : value)}
        rules={[required(t, t('register.creditCode')), creditCodeRule(t)]}
      >
        <Input maxLength={18} style={{ fontFamily: 'monospace' }} />
      </Form.Item>
      <Form.Item name="contact_name" label={t('register.contactName')} rules={[required(t, t('register.contactName'))]}>
        <Input autoComplete="name" />
      </Form.Item>
      <Form.Item name="contact_phone" label={t('register.contactPhone')} rules={[required(t, t('register.contactPhone'))]}>
        <Input autoComplete="tel" />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('register.email')}
        rules={[required(t, t('register.email')), { type: 'email', message: t('register.email.invalid') }]}
      >
        <Input autoComplete="email" />
      </Form.Item>
      <AccountItems t={t} />
      <Button kind="primary" htmlType="submit" block>
        {t('register.submit')}
      </Button>
    </Form>
  );
}

function BrokerForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const [form] = Form.useForm<BrokerRegistration>();
  return (
    <Form<BrokerRegistration> form={form} layout="vertical" initialValues={{ level: 'junior', fields: [] }} onFinish={onDone}>
      <Form.Item name="display_name" label={t('register.displayName')} rules={[required(t, t('register.displayName'))]}>
        <Input autoComplete="name" />
      </Form.Item>
      <Form.Item name="level" label={t('register.brokerLevel')} rules={[{ required: true }]}>
        <Radio.Group
          optionType="button"
          options={BROKER_LEVELS.map((level) => ({ value: level, label: t(`brokerLevel.${level}`) }))}
        />
      </Form.Item>
      <Form.Item
        name="fields"
        label={t('register.brokerFields')}
        extra={t('register.brokerFields.hint')}
        rules={[{ required: true, type: 'array', min: 1, message: t('form.required', { field: t('register.brokerFields') }) }]}
      >
        <Select mode="tags" open={false} suffixIcon={null} />
      </Form.Item>
      <Form.Item name="agency_name" label={t('register.agencyName')}>
        <Input autoComplete="organization" />
      </Form.Item>
      <Form.Item name="contact_phone" label={t('register.contactPhone')} rules={[required(t, t('register.contactPhone'))]}>
        <Input autoComplete="tel" />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('register.email')}
        rules={[required(t, t('register.email')), { type: 'email', message: t('register.email.invalid') }]}
      >
        <Input autoComplete="email" />
      </Form.Item>
      <AccountItems t={t} />
      <Button kind="primary" htmlType="submit" block>
        {t('register.submit')}
      </Button>
    </Form>
  );
}

/** Placeholder: validates on the client; the registration endpoint is not in the API yet. */
export function RegisterPage() {
  const t = useT();
  const message = useMessage();
  const [applicant, setApplicant] = useState<Applicant>('organisation');
  const onDone = () => void message.info(t('register.notYetAvailable'));

  return (
    <Flex justify="center">
      <Card style={{ width: '100%', maxWidth: 560 }}>
        <PageHeader title={t('register.title')} subtitle={t('register.subtitle')} />
        <Segmented<Applicant>
          block
          value={applicant}
          onChange={setApplicant}
          options={[
            { value: 'organisation', label: t('register.as.organisation') },
            { value: 'broker', label: t('register.as.broker') },
          ]}
          style={{ marginBottom: 24 }}
        />
        {applicant === 'organisation' ? <OrganisationForm onDone={onDone} /> : <BrokerForm onDone={onDone} />}
        <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
          {t('register.haveAccount')} <Link to="/login">{t('register.toLogin')}</Link>
        </Typography.Paragraph>
      </Card>
    </Flex>
  );
}
