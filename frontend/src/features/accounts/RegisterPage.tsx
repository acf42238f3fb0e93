import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { BROKER_LEVELS, type BrokerRegistration, type CurrentUser, type MemberRegistration, type OfficerPosition, type OrganisationRegistration } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  Col,
  Divider,
  Flex,
  Form,
  type FormInstance,
  type FormRule,
  icons,
  Input,
  InputNumber,
  PageHeader,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useLogin, useRegister } from '@/hooks/queries/accounts';
import { type Translate, useT } from '@/i18n';
import { normalizeCreditCode } from '@/lib/creditCode';
import { normalizeResidentId } from '@/lib/residentId';

import { creditCodeRule, passwordRules, required, residentIdRule } from './formRules';
import { ROLE_HOME } from './roleHome';

type Applicant = 'organisation' | 'broker' | 'member';
const ORGANISATION_KINDS = ['firm', 'institute', 'agency'] as const;
const OFFICER_POSITIONS: OfficerPosition[] = ['director', 'supervisor', 'senior_manager'];

const upper = (value: unknown) => (typeof value === 'string' ? normalizeCreditCode(value) : value);
const residentId = (value: unknown) => (typeof value === 'string' ? normalizeResidentId(value) : value);

export type OrganisationFormValues = OrganisationRegistration & { password_confirm: string };
export type BrokerFormValues = BrokerRegistration & { password_confirm: string };
export type MemberFormValues = MemberRegistration & { password_confirm: string };

/** Every name the server may put an error on, for both forms; list rows by prefix. */
const FIELDS = [
  'organisation.kind',
  'organisation.name',
  'organisation.credit_code',
  'organisation.legal_representative.name',
  'organisation.legal_representative.id_number',
  'organisation.shareholders.*',
  'organisation.officers.*',
  'organisation.registered_address',
  'organisation.phone',
  'organisation.email_domain',
  'organisation.bank_name',
  'organisation.bank_account',
  'organisation.region',
  'user.username',
  'user.password',
  'user.display_name',
  'user.email',
  'person.name',
  'person.id_number',
  'broker.level',
  'broker.certificate_no',
  'broker.fields',
  'broker.agency_credit_code',
  'broker.invitation_code',
  'credit_code',
  'invitation_code',
];

export function AccountItems({ t }: { t: Translate }) {
  return (
    <>
      <Divider orientation="left">{t('register.section.account')}</Divider>
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Form.Item name={['user', 'display_name']} label={t('register.displayName')} rules={[required(t, t('register.displayName'))]}>
            <Input autoComplete="name" maxLength={64} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['user', 'email']} label={t('register.email')} rules={[{ type: 'email', message: t('register.email.invalid') }]}>
            <Input autoComplete="email" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name={['user', 'username']}
            label={t('register.username')}
            extra={t('register.username.hint')}
            rules={[required(t, t('register.username')), { pattern: /^[A-Za-z0-9_.@-]{3,64}$/, message: t('register.username.invalid') }]}
          >
            <Input autoComplete="username" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={['user', 'password']} label={t('register.password')} extra={t('register.password.hint')} rules={passwordRules(t, t('register.password'))}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="password_confirm"
            label={t('register.passwordConfirm')}
            dependencies={[['user', 'password']]}
            rules={[
              required(t, t('register.passwordConfirm')),
              ({ getFieldValue }) => ({
                validator: (_rule, value: unknown) =>
                  value === getFieldValue(['user', 'password']) ? Promise.resolve() : Promise.reject(new Error(t('register.passwordMismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

function PersonItems({ t, prefix }: { t: Translate; prefix: (string | number)[] }) {
  return (
    <Row gutter={12}>
      <Col xs={24} md={10}>
        <Form.Item name={[...prefix, 'name']} label={t('register.personName')} rules={[required(t, t('register.personName'))]}>
          <Input maxLength={64} />
        </Form.Item>
      </Col>
      <Col xs={24} md={14}>
        <Form.Item name={[...prefix, 'id_number']} label={t('register.residentId')} normalize={residentId} rules={[required(t, t('register.residentId')), residentIdRule(t)]}>
          <Input maxLength={18} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
      </Col>
    </Row>
  );
}

function BrokerItems({ t, agency }: { t: Translate; agency: boolean }) {
  return (
    <Row gutter={12}>
      <Col xs={24} md={8}>
        <Form.Item name={['broker', 'level']} label={t('register.brokerLevel')} rules={[{ required: true }]}>
          <Radio.Group optionType="button" options={BROKER_LEVELS.map((level) => ({ value: level, label: t(`brokerLevel.${level}`) }))} />
        </Form.Item>
      </Col>
      <Col xs={24} md={8}>
        <Form.Item
          name={['broker', 'certificate_no']}
          label={t('register.certificateNo')}
          rules={[required(t, t('register.certificateNo')), { pattern: /^[A-Za-z0-9-]{4,64}$/, message: t('register.certificateNo.invalid') }]}
        >
          <Input maxLength={64} />
        </Form.Item>
      </Col>
      <Col xs={24} md={8}>
        <Form.Item
          name={['broker', 'fields']}
          label={t('register.brokerFields')}
          extra={t('register.brokerFields.hint')}
          rules={[{ required: true, type: 'array', min: 1, message: t('form.required', { field: t('register.brokerFields') }) }]}
        >
          <Select mode="tags" open={false} suffixIcon={null} maxCount={20} tokenSeparators={[',', '，', '、']} />
        </Form.Item>
      </Col>
      {agency ? null : (
        <>
          <Col xs={24} md={12}>
            <Form.Item name={['broker', 'agency_credit_code']} label={t('register.agencyCreditCode')} extra={t('register.agencyCreditCode.hint')} normalize={upper} rules={[creditCodeRule(t)]}>
              <Input maxLength={18} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name={['broker', 'invitation_code']}
              label={t('register.invitationCode')}
              extra={t('register.invitationCode.hint')}
              dependencies={[['broker', 'agency_credit_code']]}
              rules={[oneWayIn(t, ['broker', 'agency_credit_code'])]}
            >
              <Input maxLength={64} autoComplete="off" data-testid="broker-invitation-code" />
            </Form.Item>
          </Col>
        </>
      )}
    </Row>
  );
}

function OrganisationForm({ form, onSubmit, submitting }: { form: FormInstance<OrganisationFormValues>; onSubmit: (values: OrganisationFormValues) => void; submitting: boolean }) {
  const t = useT();
  const kind = Form.useWatch(['organisation', 'kind'], form);
  return (
    <Form<OrganisationFormValues>
      form={form}
      layout="vertical"
      data-testid="register-organisation-form"
      initialValues={{ organisation: { kind: 'firm', shareholders: [], officers: [] }, broker: { level: 'junior', fields: [] } }}
      onFinish={onSubmit}
      scrollToFirstError
    >
      <Form.Item name={['organisation', 'kind']} label={t('register.orgKind')} rules={[{ required: true }]}>
        <Radio.Group optionType="button" options={ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`orgKind.${k}`) }))} />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} md={14}>
          <Form.Item name={['organisation', 'name']} label={t('register.orgName')} rules={[required(t, t('register.orgName'))]}>
            <Input autoComplete="organization" maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={10}>
          <Form.Item
            name={['organisation', 'credit_code']}
            label={t('register.creditCode')}
            extra={t('register.creditCode.hint')}
            normalize={upper}
            rules={[required(t, t('register.creditCode')), creditCodeRule(t)]}
          >
            <Input maxLength={18} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={['organisation', 'region']} label={t('common.region')} rules={[required(t, t('common.region'))]}>
            <Input maxLength={64} placeholder={t('listing.region.placeholder')} />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item name={['organisation', 'registered_address']} label={t('register.address')} rules={[required(t, t('register.address'))]}>
            <Input maxLength={255} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={['organisation', 'phone']} label={t('register.contactPhone')} rules={[required(t, t('register.contactPhone'))]}>
            <Input autoComplete="tel" maxLength={32} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={['organisation', 'email_domain']} label={t('register.emailDomain')} extra={t('register.emailDomain.hint')} rules={[required(t, t('register.emailDomain'))]}>
            <Input maxLength={253} placeholder="example.com" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={['organisation', 'bank_account']} label={t('register.bankAccount')}>
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={['organisation', 'bank_name']} label={t('register.bankName')}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      <Divider orientation="left">{t('register.legalRep')}</Divider>
      <PersonItems t={t} prefix={['organisation', 'legal_representative']} />
      <Divider orientation="left">{t('register.shareholders')}</Divider>
      <Typography.Paragraph type="secondary">{t('register.shareholders.hint')}</Typography.Paragraph>
      <Form.List name={['organisation', 'shareholders']}>
        {(rows, { add, remove }) => (
          <>
            {rows.map((row) => (
              <Space key={row.key} align="baseline" wrap>
                <Form.Item name={[row.name, 'name']} rules={[required(t, t('register.shareholderName'))]}>
                  <Input placeholder={t('register.shareholderName')} aria-label={t('register.shareholderName')} maxLength={200} />
                </Form.Item>
                <Form.Item name={[row.name, 'percent']} rules={[{ required: true, message: t('form.required', { field: t('register.holding') }) }]}>
                  <InputNumber<string> stringMode min="0.0001" max="100" suffix="%" placeholder={t('register.holding')} aria-label={t('register.holding')} />
                </Form.Item>
                <Form.Item name={[row.name, 'id_number']} normalize={residentId} rules={[residentIdRule(t)]}>
                  <Input placeholder={t('register.holderIdNumber')} aria-label={t('register.holderIdNumber')} maxLength={18} />
                </Form.Item>
                <Form.Item name={[row.name, 'credit_code']} normalize={upper} rules={[creditCodeRule(t)]}>
                  <Input placeholder={t('register.holderCreditCode')} aria-label={t('register.holderCreditCode')} maxLength={18} />
                </Form.Item>
                <Button kind="text" icon={<icons.MinusCircleOutlined />} aria-label={t('register.remove')} onClick={() => remove(row.name)} />
              </Space>
            ))}
            <Button icon={<icons.PlusOutlined />} onClick={() => add({})}>
              {t('register.addShareholder')}
            </Button>
          </>
        )}
      </Form.List>
      <Divider orientation="left">{t('register.officers')}</Divider>
      <Form.List name={['organisation', 'officers']}>
        {(rows, { add, remove }) => (
          <>
            {rows.map((row) => (
              <Space key={row.key} align="baseline" wrap>
                <Form.Item name={[row.name, 'name']} rules={[required(t, t('register.personName'))]}>
                  <Input placeholder={t('register.personName')} aria-label={t('register.personName')} maxLength={64} />
                </Form.Item>
                <Form.Item name={[row.name, 'id_number']} normalize={residentId} rules={[required(t, t('register.residentId')), residentIdRule(t)]}>
                  <Input placeholder={t('register.residentId')} aria-label={t('register.residentId')} maxLength={18} />
                </Form.Item>
                <Form.Item name={[row.name, 'position']} rules={[{ required: true, message: t('form.required', { field: t('register.position') }) }]}>
                  <Select style={{ width: 140 }} aria-label={t('register.position')} options={OFFICER_POSITIONS.map((p) => ({ value: p, label: t(`officer.${p}`) }))} />
                </Form.Item>
                <Button kind="text" icon={<icons.MinusCircleOutlined />} aria-label={t('register.remove')} onClick={() => remove(row.name)} />
              </Space>
            ))}
            <Button icon={<icons.PlusOutlined />} onClick={() => add({ position: 'director' })}>
              {t('register.addOfficer')}
            </Button>
          </>
        )}
      </Form.List>
      {kind === 'agency' ? (
        <>
          <Divider orientation="left">{t('register.agencyBroker')}</Divider>
          <Alert type="info" showIcon message={t('register.agencyBroker.hint')} style={{ marginBottom: 12 }} />
          <PersonItems t={t} prefix={['person']} />
          <BrokerItems t={t} agency />
        </>
      ) : null}
      <AccountItems t={t} />
      <Button kind="primary" htmlType="submit" block loading={submitting} data-testid="register-submit">
        {t('register.submit')}
      </Button>
    </Form>
  );
}

function BrokerForm({ form, onSubmit, submitting }: { form: FormInstance<BrokerFormValues>; onSubmit: (values: BrokerFormValues) => void; submitting: boolean }) {
  const t = useT();
  return (
    <Form<BrokerFormValues>
      form={form}
      layout="vertical"
      data-testid="register-broker-form"
      initialValues={{ broker: { level: 'junior', fields: [] } }}
      onFinish={onSubmit}
      scrollToFirstError
    >
      <Divider orientation="left">{t('register.identity')}</Divider>
      <PersonItems t={t} prefix={['person']} />
      <Divider orientation="left">{t('register.brokerProfile')}</Divider>
      <BrokerItems t={t} agency={false} />
      <AccountItems t={t} />
      <Button kind="primary" htmlType="submit" block loading={submitting} data-testid="register-submit">
        {t('register.submit')}
      </Button>
    </Form>
  );
}

/** A registration joins an organisation by its credit code or an invitation code, not both. */
function oneWayIn(t: Translate, other: (string | number)[], needed = false): FormRule {
  return ({ getFieldValue }) => ({
    validator: (_rule, value: unknown) => {
      const theOther = getFieldValue(other) as unknown;
      if (value && theOther) return Promise.reject(new Error(t('register.join.oneOf')));
      if (needed && !value && !theOther) return Promise.reject(new Error(t('register.join.oneOf')));
      return Promise.resolve();
    },
  });
}

/** A colleague joins a registered firm or institute: by its credit code (pending approval) or an invitation code. */
function MemberForm({ form, onSubmit, submitting }: { form: FormInstance<MemberFormValues>; onSubmit: (values: MemberFormValues) => void; submitting: boolean }) {
  const t = useT();
  return (
    <Form<MemberFormValues> form={form} layout="vertical" data-testid="register-member-form" onFinish={onSubmit} scrollToFirstError>
      <Alert type="info" showIcon message={t('register.join.explain')} style={{ marginBottom: 16 }} />
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Form.Item name="credit_code" label={t('register.join.creditCode')} normalize={upper} rules={[creditCodeRule(t)]}>
            <Input maxLength={18} style={{ fontFamily: 'monospace' }} data-testid="member-credit-code" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="invitation_code" label={t('register.invitationCode')} dependencies={['credit_code']} rules={[oneWayIn(t, ['credit_code'], true)]}>
            <Input maxLength={64} autoComplete="off" data-testid="member-invitation-code" />
          </Form.Item>
        </Col>
      </Row>
      <AccountItems t={t} />
      <Button kind="primary" htmlType="submit" block loading={submitting} data-testid="register-submit">
        {t('register.submit')}
      </Button>
    </Form>
  );
}

/** The confirmation field is the form's, not the API's. */
function withoutConfirmation<T extends { password_confirm: string }>(values: T): Omit<T, 'password_confirm'> {
  const copy: Partial<T> = { ...values };
  delete copy.password_confirm;
  return copy as Omit<T, 'password_confirm'>;
}

/** Drop empty optional values the server would reject ("" is not a valid e-mail). */
function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (item === '' ? undefined : item))) as T;
}

/** Registration for organisations (credit code, legal representative, holders) or brokers; then the bureau verifies. */
export function RegisterPage() {
  const t = useT();
  const navigate = useNavigate();
  const message = useMessage();
  const showError = useShowError();
  const register = useRegister();
  const login = useLogin();
  const [applicant, setApplicant] = useState<Applicant>('organisation');
  const [orgForm] = Form.useForm<OrganisationFormValues>();
  const [brokerForm] = Form.useForm<BrokerFormValues>();
  const [memberForm] = Form.useForm<MemberFormValues>();

  const finish = (registered: CurrentUser, password: string) => {
    const username = registered.username;
    void message.success(t(registered.join_request?.status === 'pending' ? 'register.joinPending' : 'register.done'));
    login.mutate(
      { username, password },
      {
        onSuccess: (user) => void navigate(ROLE_HOME[user.role], { replace: true }),
        onError: () => void navigate('/login', { replace: true }),
      },
    );
  };

  const submitOrganisation = (values: OrganisationFormValues) => {
    const body = clean(withoutConfirmation(values));
    if (body.organisation.kind !== 'agency') {
      delete body.person;
      delete body.broker;
    }
    register.mutate({ kind: 'organisation', body }, { onSuccess: (me) => finish(me, values.user.password), onError: (error) => showError(error, { form: orgForm, fields: FIELDS }) });
  };
  const submitBroker = (values: BrokerFormValues) => {
    const body = clean(withoutConfirmation(values));
    register.mutate({ kind: 'broker', body }, { onSuccess: (me) => finish(me, values.user.password), onError: (error) => showError(error, { form: brokerForm, fields: FIELDS }) });
  };
  const submitMember = (values: MemberFormValues) => {
    const body = clean(withoutConfirmation(values));
    register.mutate({ kind: 'member', body }, { onSuccess: (me) => finish(me, values.user.password), onError: (error) => showError(error, { form: memberForm, fields: FIELDS }) });
  };

  return (
    <Flex justify="center">
      <Card style={{ width: '100%', maxWidth: 880 }}>
        <PageHeader title={t('register.title')} subtitle={t('register.subtitle')} />
        <Segmented<Applicant>
          block
          value={applicant}
          onChange={setApplicant}
          options={[
            { value: 'organisation', label: t('register.as.organisation') },
            { value: 'broker', label: t('register.as.broker') },
            { value: 'member', label: t('register.as.member') },
          ]}
          style={{ marginBottom: 24 }}
        />
        {applicant === 'organisation' ? (
          <OrganisationForm form={orgForm} onSubmit={submitOrganisation} submitting={register.isPending || login.isPending} />
        ) : applicant === 'broker' ? (
          <BrokerForm form={brokerForm} onSubmit={submitBroker} submitting={register.isPending || login.isPending} />
        ) : (
          <MemberForm form={memberForm} onSubmit={submitMember} submitting={register.isPending || login.isPending} />
        )}
        <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
          {t('register.haveAccount')} <Link to="/login">{t('register.toLogin')}</Link>
        </Typography.Paragraph>
      </Card>
    </Flex>
  );
}
