import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { API_ENUMS } from '@/api/enums';
import type { ExpertRegistrationInput } from '@/api/types';
import { Alert, Button, Card, Col, Divider, Form, Input, InputNumber, PageHeader, Row, Select, useShowError } from '@/components/ui';
import { AccountItems } from '@/features/accounts/RegisterPage';
import { required } from '@/features/accounts/formRules';
import { useFieldName } from '@/features/listings/fields';
import { useRegisterExpert } from '@/hooks/queries/experts';
import { useFieldTree } from '@/hooks/queries/listings';
import { useT } from '@/i18n';

const KINDS = API_ENUMS.ExpertKind;
type Values = ExpertRegistrationInput & { password_confirm: string };
const FIELDS = ['user.username', 'user.password', 'user.display_name', 'user.email', 'profile.organisation_name',
  'profile.title', 'profile.fields', 'profile.kind', 'profile.bio', 'profile.yearly_capacity', 'invitation_code'];

/** Becoming an expert (专家入库): with an administrator's invitation code (the link carries it)
 *  the profile joins the pool at once; without one it is an application administrators verify. */
export function ExpertApplyPage() {
  const t = useT();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const register = useRegisterExpert();
  const showError = useShowError();
  const fields = useFieldTree();
  const fieldName = useFieldName();
  const [done, setDone] = useState<'invited' | 'applied' | null>(null);
  const code = params.get('code') ?? '';

  if (done !== null) {
    return (
      <Card>
        <Alert
          type="success"
          showIcon
          data-testid="expert-apply-done"
          message={t(done === 'invited' ? 'experts.apply.doneInvited' : 'experts.apply.doneApplied')}
          description={<Link to="/login">{t('experts.apply.toLogin')}</Link>}
        />
      </Card>
    );
  }
  return (
    <>
      <PageHeader title={t('experts.apply.title')} subtitle={t('experts.apply.subtitle')} />
      <Card>
        {code ? <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('experts.apply.invited')} /> : null}
        <Form<Values>
          form={form}
          layout="vertical"
          data-testid="expert-apply-form"
          initialValues={{ invitation_code: code, profile: { yearly_capacity: 6, fields: [] } }}
          onFinish={(values) => {
            const code = values.invitation_code?.trim();
            // The account's name is the expert's name (one name, typed once).
            const profile = { ...values.profile, name: values.user.display_name };
            const body: ExpertRegistrationInput = { user: values.user, profile, invitation_code: code === undefined || code === '' ? null : code };
            register.mutate(body, {
              onSuccess: () => setDone(body.invitation_code ? 'invited' : 'applied'),
              onError: (e) => showError(e, { form, fields: FIELDS }),
            });
          }}
        >
          <AccountItems t={t} />
          <Divider orientation="left">{t('experts.apply.profile')}</Divider>
          <Row gutter={12}>
            <Col xs={24} md={12}>
              <Form.Item name={['profile', 'organisation_name']} label={t('experts.organisation')} rules={[required(t, t('experts.organisation'))]}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['profile', 'title']} label={t('experts.apply.jobTitle')}>
                <Input maxLength={64} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name={['profile', 'kind']} label={t('experts.kind')} rules={[required(t, t('experts.kind'))]}>
                <Select options={KINDS.map((k) => ({ value: k, label: t(`expertKind.${k}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item name={['profile', 'fields']} label={t('experts.apply.fields')}>
                <Select mode="multiple" maxCount={10} loading={fields.isPending}
                  options={(fields.data ?? []).map((f) => ({ value: f.code, label: fieldName(f) }))} />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item name={['profile', 'bio']} label={t('experts.profile.bio')}>
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name={['profile', 'yearly_capacity']} label={t('experts.profile.capacity')}>
                <InputNumber min={1} max={50} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item name="invitation_code" label={t('experts.apply.code')} extra={t('experts.apply.codeHint')}>
                <Input maxLength={64} />
              </Form.Item>
            </Col>
          </Row>
          <Button kind="primary" htmlType="submit" loading={register.isPending} data-testid="expert-apply-submit">
            {t('experts.apply.submit')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
