import { useEffect } from 'react';

import type { Deal, Payment, PaymentInput } from '@/api/types';
import { Alert, Button, Col, DateInput, Divider, Form, Input, Money, MoneyInput, Row, Select, Space, Table, type TableColumns, Tag, useMessage, useShowError } from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useRecordPayment } from '@/hooks/queries/deals';
import { useT } from '@/i18n';
import { formatDate, formatDateTime, todayIso } from '@/lib/dates';
import { cmp, isPositiveAmount, parseDec } from '@/lib/decimal';

import { PAYABLE, runsDeal } from './access';
import { EvidenceActions, EvidenceAnswers, EvidenceTag } from './EvidencePanel';

const PAYMENT_FIELDS = ['paid_on', 'amount', 'bank_reference', 'invoice_reference', 'invoice_no', 'payer_account', 'payee_account', 'evidence_file_id'] as const;
const ACCOUNT = /^[\d\s-]{8,40}$/;

function PaymentForm({ deal }: { deal: Deal }) {
  const t = useT();
  const [form] = Form.useForm<PaymentInput>();
  const record = useRecordPayment(deal.id);
  const showError = useShowError();
  const message = useMessage();
  const remaining = deal.contract?.remaining_amount ?? null;
  const files = deal.contract?.files ?? [];
  const latestFile = files.at(-1)?.id;
  const account = (label: string) => [required(t, label), { pattern: ACCOUNT, message: t('payment.account.invalid') }];
  // The receipt just uploaded is the one most payments cite: offer it until another is chosen.
  useEffect(() => {
    if (latestFile !== undefined && form.getFieldValue('evidence_file_id') === undefined) form.setFieldValue('evidence_file_id', latestFile);
  }, [form, latestFile]);

  return (
    <Form<PaymentInput>
      form={form}
      layout="vertical"
      data-testid="payment-form"
      aria-label={t('payment.form.label')}
      initialValues={{ paid_on: todayIso(), amount: remaining ?? undefined }}
      onFinish={(values) =>
        record.mutate(values, {
          onSuccess: () => {
            form.resetFields();
            if (latestFile !== undefined) form.setFieldValue('evidence_file_id', latestFile);
            void message.success(t('payment.saved'));
          },
          onError: (error) => showError(error, { form, fields: PAYMENT_FIELDS }),
        })
      }
    >
      <Row gutter={16}>
        <Col xs={24} md={6}>
          <Form.Item name="paid_on" label={t('payment.paidOn')} rules={[{ required: true, message: t('form.required', { field: t('payment.paidOn') }) }]}>
            <DateInput disabledFuture />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item
            name="amount"
            label={t('payment.amount')}
            extra={remaining === null ? undefined : t('payment.amount.hint', { remaining })}
            rules={[
              { required: true, message: t('form.required', { field: t('payment.amount') }) },
              { validator: (_rule, value: string | null) => (isPositiveAmount(value) ? Promise.resolve() : Promise.reject(new Error(t('form.positive')))) },
              {
                validator: (_rule, value: string | null) => {
                  const amount = value ? parseDec(value) : null;
                  const left = remaining === null ? null : parseDec(remaining);
                  return amount !== null && left !== null && cmp(amount, left) > 0 ? Promise.reject(new Error(t('payment.amount.tooHigh', { remaining: remaining ?? '' }))) : Promise.resolve();
                },
              },
            ]}
          >
            <MoneyInput min="0.01" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="bank_reference" label={t('payment.bankReference')} rules={[required(t, t('payment.bankReference'))]}>
            <Input maxLength={64} />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="invoice_reference" label={t('payment.invoiceReference')} extra={t('payment.invoiceReference.hint')} rules={[required(t, t('payment.invoiceReference'))]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="invoice_no" label={t('payment.invoiceNo')} rules={[required(t, t('payment.invoiceNo'))]}>
            <Input maxLength={64} />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="payer_account" label={t('payment.payerAccount')} rules={account(t('payment.payerAccount'))}>
            <Input maxLength={40} inputMode="numeric" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="payee_account" label={t('payment.payeeAccount')} rules={account(t('payment.payeeAccount'))}>
            <Input maxLength={40} inputMode="numeric" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item
            name="evidence_file_id"
            label={t('payment.evidenceFile')}
            extra={files.length === 0 ? t('payment.evidenceFile.none') : t('payment.evidenceFile.hint')}
            rules={[{ required: true, message: t('form.required', { field: t('payment.evidenceFile') }) }]}
          >
            <Select options={files.map((f) => ({ value: f.id, label: f.filename }))} />
          </Form.Item>
        </Col>
      </Row>
      <Button kind="primary" htmlType="submit" loading={record.isPending} data-testid="payment-submit">
        {t('payment.record')}
      </Button>
    </Form>
  );
}

/** Payments received (到账金额): those whose invoice names the contract count toward the reward. */
export function PaymentsSection({ deal }: { deal: Deal }) {
  const t = useT();
  const contract = deal.contract;
  const columns: TableColumns<Payment> = [
    { key: 'paid_on', title: t('payment.paidOn'), render: (_, p) => formatDate(p.paid_on) },
    { key: 'amount', title: t('payment.amount'), align: 'right', render: (_, p) => <Money value={p.amount} /> },
    { key: 'bank', title: t('payment.bankReference'), render: (_, p) => p.bank_reference },
    { key: 'invoice', title: t('payment.invoiceReference'), render: (_, p) => p.invoice_reference },
    {
      key: 'counted',
      title: t('payment.counted'),
      render: (_, p) => <Tag tone={p.counted ? 'success' : 'warning'}>{p.counted ? t('payment.counted.yes') : t('payment.counted.no')}</Tag>,
    },
    { key: 'invoiceNo', title: t('payment.invoiceNo'), render: (_, p) => p.invoice_no ?? '—' },
    { key: 'recorded', title: t('payment.recordedAt'), render: (_, p) => formatDateTime(p.recorded_at) },
    {
      key: 'evidence',
      title: t('evidence.label'),
      render: (_, p) => (
        <Space direction="vertical" size={4}>
          <Space wrap size={4}>
            <EvidenceTag evidence={p.evidence} testId={`payment-evidence-${p.id}`} />
            <EvidenceAnswers evidence={p.evidence} />
          </Space>
          <EvidenceActions deal={deal} kind="payment" itemId={p.id} evidence={p.evidence} />
        </Space>
      ),
    },
  ];
  if (contract === null) return <Alert type="info" showIcon message={t('payment.needsContract')} />;
  const canRecord = runsDeal(deal) && PAYABLE.has(deal.stage) && contract.remaining_amount !== '0.00';
  return (
    <>
      <Table<Payment> rowKey="id" size="small" columns={columns} dataSource={contract.payments} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('payment.none') }} />
      {contract.uncounted_amount !== '0.00' ? <Alert type="warning" showIcon message={t('payment.uncountedNote', { amount: contract.uncounted_amount })} style={{ marginTop: 12 }} /> : null}
      {canRecord ? (
        <>
          <Divider orientation="left">{t('payment.record')}</Divider>
          <PaymentForm deal={deal} />
        </>
      ) : runsDeal(deal) && !PAYABLE.has(deal.stage) && deal.stage !== 'closed' ? (
        <Alert type="info" showIcon message={t('payment.notYet')} style={{ marginTop: 12 }} />
      ) : null}
    </>
  );
}
