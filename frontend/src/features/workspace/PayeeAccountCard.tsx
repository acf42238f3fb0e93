import { useState } from 'react';

import type { PayeeAccountInput } from '@/api/types';
import { Button, Card, Col, Descriptions, Form, Input, Row, Tag, Typography, useMessage, useShowError } from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useMyPayeeAccount, useSetMyPayeeAccount } from '@/hooks/queries/rewards';
import { useT } from '@/i18n';

const FIELDS = ['holder_name', 'bank_name', 'account'] as const;

/** The broker's own bank account for rewards: recorded here, verified by an administrator,
 *  shown masked. Changing it sends it back for verification. */
export function PayeeAccountCard() {
  const t = useT();
  const mine = useMyPayeeAccount();
  const save = useSetMyPayeeAccount();
  const [form] = Form.useForm<PayeeAccountInput>();
  const message = useMessage();
  const showError = useShowError();
  const account = mine.data ?? null;
  // A recorded account is shown, not an empty form under it: the form opens when asked for.
  const [changing, setChanging] = useState(false);
  const formOpen = account === null || changing;
  return (
    <Card size="small" title={t('payee.title')} data-testid="payee-card">
      <Typography.Paragraph type="secondary">{t('payee.explain')}</Typography.Paragraph>
      {account === null ? null : (
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}
          style={{ marginBottom: 12 }}
          items={[
            { key: 'holder', label: t('payee.holder'), children: account.holder_name },
            { key: 'bank', label: t('payee.bank'), children: account.bank_name },
            { key: 'account', label: t('payee.account'), children: <code>{account.account}</code> },
            {
              key: 'status',
              label: t('common.status'),
              children: (
                <span data-testid="payee-status" data-status={account.status}>
                  <Tag tone={account.status === 'verified' ? 'success' : account.status === 'rejected' ? 'danger' : 'warning'}>{t(`verification.${account.status}`)}</Tag>
                </span>
              ),
            },
          ]}
        />
      )}
      {formOpen ? null : (
        <Button onClick={() => setChanging(true)} data-testid="payee-change">
          {t('payee.change')}
        </Button>
      )}
      {!formOpen ? null : (
      <Form<PayeeAccountInput>
        form={form}
        layout="vertical"
        data-testid="payee-form"
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: () => {
              form.resetFields();
              setChanging(false);
              void message.success(t('payee.saved'));
            },
            onError: (error) => showError(error, { form, fields: FIELDS }),
          })
        }
      >
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item name="holder_name" label={t('payee.holder')} rules={[required(t, t('payee.holder'))]}>
              <Input maxLength={64} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="bank_name" label={t('payee.bank')} rules={[required(t, t('payee.bank'))]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="account" label={t('payee.account')} rules={[required(t, t('payee.account')), { pattern: /^[\d\s-]{8,40}$/, message: t('payment.account.invalid') }]}>
              <Input maxLength={40} inputMode="numeric" />
            </Form.Item>
          </Col>
        </Row>
        <Button kind="primary" htmlType="submit" loading={save.isPending} data-testid="payee-submit">
          {account === null ? t('payee.record') : t('payee.change')}
        </Button>
        {account === null ? null : (
          <Button kind="secondary" onClick={() => setChanging(false)} style={{ marginInlineStart: 8 }}>
            {t('common.cancel')}
          </Button>
        )}
      </Form>
      )}
    </Card>
  );
}
