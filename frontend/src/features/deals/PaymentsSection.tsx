import { type ReactNode, useEffect, useState } from 'react';

import { ApiError } from '@/api/problem';

import type { Deal, Payment, PaymentCorrection, PaymentInput } from '@/api/types';
import { ActionButton, Alert, Button, Col, DateInput, Divider, Form, Input, Modal, Money, MoneyInput, ReasonDialog, Row, Select, Space, Table, type TableColumns, Tag, Tooltip, Typography, useMessage, useShowError } from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useCorrectPayment, useRecordPayment, useVoidPayment } from '@/hooks/queries/deals';
import { type Translate, useT } from '@/i18n';
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

const CORRECTION_FIELDS = ['paid_on', 'amount', 'bank_reference', 'note'] as const;

/** Why a payment can no longer be corrected or voided, or null when it can. */
function correctionBlocked(t: Translate, deal: Deal, payment: Payment): string | null {
  if (payment.voided_at !== null) return t('payment.correct.voided');
  if (!payment.correctable) return t('payment.correct.counted');
  if (!PAYABLE.has(deal.stage)) return t('payment.correct.stage');
  return null;
}

/** Struck through when voided: kept on file, counting for nothing. */
function Struck({ payment, children }: { payment: Payment; children: ReactNode }) {
  return payment.voided_at === null ? <>{children}</> : <Typography.Text delete type="secondary">{children}</Typography.Text>;
}

function CorrectionDialog({ deal, payment, onClose }: { deal: Deal; payment: Payment | null; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<PaymentCorrection>();
  const correct = useCorrectPayment(deal.id);
  const showError = useShowError();
  const message = useMessage();
  useEffect(() => {
    if (payment !== null) form.setFieldsValue({ paid_on: payment.paid_on, amount: payment.amount, bank_reference: payment.bank_reference, note: payment.note ?? undefined });
  }, [form, payment]);
  if (payment === null) return null;
  const submit = (values: PaymentCorrection) => {
    // Only what changed: the server refuses a correction that changes nothing.
    const body: PaymentCorrection = {};
    if (values.paid_on !== payment.paid_on) body.paid_on = values.paid_on;
    const amount = values.amount ? parseDec(values.amount) : null;
    const before = parseDec(payment.amount);
    if (values.amount && (amount === null || before === null || cmp(amount, before) !== 0)) body.amount = values.amount;
    if (values.bank_reference !== payment.bank_reference) body.bank_reference = values.bank_reference;
    const note = values.note?.trim() ? values.note.trim() : null;
    if (note !== payment.note) body.note = note;
    correct.mutate(
      { paymentId: payment.id, body },
      {
        onSuccess: () => {
          void message.success(t('payment.correct.saved'));
          onClose();
        },
        onError: (error) => showError(error, { form, fields: CORRECTION_FIELDS }),
      },
    );
  };
  return (
    <Modal
      open
      title={t('payment.correct.title')}
      okText={t('payment.correct')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: correct.isPending, 'data-testid': 'correct-payment-ok' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('payment.correct.explain')}</Typography.Paragraph>
      <Form<PaymentCorrection> form={form} name="correct_payment" layout="vertical" data-testid="correct-payment-form" onFinish={submit}>
        <Form.Item name="paid_on" label={t('payment.paidOn')} rules={[{ required: true, message: t('form.required', { field: t('payment.paidOn') }) }]}>
          <DateInput disabledFuture />
        </Form.Item>
        <Form.Item
          name="amount"
          label={t('payment.amount')}
          rules={[
            { required: true, message: t('form.required', { field: t('payment.amount') }) },
            { validator: (_rule, value: string | null) => (isPositiveAmount(value) ? Promise.resolve() : Promise.reject(new Error(t('form.positive')))) },
          ]}
        >
          <MoneyInput min="0.01" />
        </Form.Item>
        <Form.Item name="bank_reference" label={t('payment.bankReference')} rules={[required(t, t('payment.bankReference'))]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="note" label={t('payment.note')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CorrectionActions({ deal, payment, onEdit, onVoid }: { deal: Deal; payment: Payment; onEdit: () => void; onVoid: () => void }) {
  const t = useT();
  const blocked = correctionBlocked(t, deal, payment);
  return (
    <Space size={4} wrap>
      <ActionButton size="small" disabledReason={blocked} onClick={onEdit} data-testid={`correct-payment-${payment.id}`}>
        {t('payment.correct')}
      </ActionButton>
      <ActionButton size="small" danger disabledReason={blocked} onClick={onVoid} data-testid={`void-payment-${payment.id}`}>
        {t('payment.void')}
      </ActionButton>
    </Space>
  );
}

/** Payments received (到账金额): those whose invoice names the contract count toward the reward. */
export function PaymentsSection({ deal }: { deal: Deal }) {
  const t = useT();
  const contract = deal.contract;
  const [editing, setEditing] = useState<Payment | null>(null);
  const [voiding, setVoiding] = useState<Payment | null>(null);
  const [voidError, setVoidError] = useState<string | null>(null);
  const voidPayment = useVoidPayment(deal.id);
  const showError = useShowError();
  const message = useMessage();
  const columns: TableColumns<Payment> = [
    { key: 'paid_on', title: t('payment.paidOn'), render: (_, p) => <Struck payment={p}>{formatDate(p.paid_on)}</Struck> },
    {
      key: 'amount',
      title: t('payment.amount'),
      align: 'right',
      render: (_, p) => (
        <Struck payment={p}>
          <Money value={p.amount} />
        </Struck>
      ),
    },
    {
      key: 'bank',
      title: t('payment.bankReference'),
      render: (_, p) => (
        <Space direction="vertical" size={0}>
          <Struck payment={p}>{p.bank_reference}</Struck>
          {p.note ? <Typography.Text type="secondary">{p.note}</Typography.Text> : null}
        </Space>
      ),
    },
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
      render: (_, p) =>
        p.voided_at !== null ? (
          <Space direction="vertical" size={4} data-testid={`payment-voided-${p.id}`}>
            <Tooltip title={t('payment.voided.help')}>
              <Tag tone="neutral">{t('payment.voided')}</Tag>
            </Tooltip>
            <Typography.Text type="secondary">{t('payment.voided.reason', { reason: p.void_reason ?? '' })}</Typography.Text>
          </Space>
        ) : (
          <Space direction="vertical" size={4}>
            <Space wrap size={4}>
              <EvidenceTag evidence={p.evidence} testId={`payment-evidence-${p.id}`} />
              <EvidenceAnswers evidence={p.evidence} />
            </Space>
            <EvidenceActions deal={deal} kind="payment" itemId={p.id} evidence={p.evidence} />
          </Space>
        ),
    },
    ...(runsDeal(deal)
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, p: Payment) => (
              <CorrectionActions
                deal={deal}
                payment={p}
                onEdit={() => setEditing(p)}
                onVoid={() => {
                  setVoidError(null);
                  setVoiding(p);
                }}
              />
            ),
          },
        ]
      : []),
  ];
  if (contract === null) return <Alert type="info" showIcon message={t('payment.needsContract')} />;
  const canRecord = runsDeal(deal) && PAYABLE.has(deal.stage) && contract.remaining_amount !== '0.00';
  return (
    <>
      <Table<Payment> rowKey="id" size="small" columns={columns} dataSource={contract.payments} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('payment.none') }} />
      <CorrectionDialog deal={deal} payment={editing} onClose={() => setEditing(null)} />
      <ReasonDialog
        open={voiding !== null}
        title={t('payment.void.title')}
        description={t('payment.void.explain')}
        okText={t('payment.void')}
        danger
        loading={voidPayment.isPending}
        error={voidError}
        testId="void-payment-dialog"
        onCancel={() => setVoiding(null)}
        onSubmit={(reason) => {
          if (voiding === null) return;
          voidPayment.mutate(
            { paymentId: voiding.id, reason },
            {
              onSuccess: () => {
                void message.success(t('payment.void.saved'));
                setVoiding(null);
              },
              onError: (error) => {
                if (error instanceof ApiError && (error.status === 409 || error.status === 422)) setVoidError(error.message);
                else showError(error);
              },
            },
          );
        }}
      />
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
