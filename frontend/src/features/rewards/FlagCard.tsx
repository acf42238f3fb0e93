import { useState } from 'react';

import { ApiError } from '@/api/problem';
import { COLLUSION_ROLES, type CollusionRole, type Flag } from '@/api/types';
import { Alert, Button, Card, Checkbox, Form, Input, Space, Tag, Typography, useMessage, useShowError } from '@/components/ui';
import { useConfirmFlag, useDismissFlag } from '@/hooks/queries/integrity';
import { useLocale, useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';
import { formatDateTime } from '@/lib/dates';

import { EvidenceView } from './EvidenceView';
import { FlagStatusTag, SeverityTag } from './labels';

type Decision = 'dismiss' | 'confirm';

function DecisionForm({ flag, decision, onDone }: { flag: Flag; decision: Decision; onDone: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ reason: string; colluding: CollusionRole[] }>();
  const dismiss = useDismissFlag();
  const confirm = useConfirmFlag();
  const message = useMessage();
  const showError = useShowError();
  const [refusal, setRefusal] = useState<string | null>(null);
  const pending = dismiss.isPending || confirm.isPending;
  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 409) setRefusal(error.message);
    else showError(error, { form, fields: ['reason', 'colluding'] });
  };

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{ colluding: [] }}
      data-testid={`flag-${decision}-form-${flag.id}`}
      onFinish={({ reason, colluding }) => {
        setRefusal(null);
        if (decision === 'dismiss') {
          dismiss.mutate({ id: flag.id, reason }, { onSuccess: () => { void message.success(t('flag.dismissed')); onDone(); }, onError });
        } else {
          confirm.mutate(
            { id: flag.id, reason, colluding },
            { onSuccess: () => { void message.success(t('flag.confirmed')); onDone(); }, onError },
          );
        }
      }}
      style={{ marginTop: 12 }}
    >
      {decision === 'confirm' ? <Alert type="error" showIcon message={t('flag.confirm.explain')} style={{ marginBottom: 12 }} /> : null}
      <Form.Item name="reason" label={t('common.reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('flag.reason.required') }]}>
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      {decision === 'confirm' ? (
        <Form.Item name="colluding" label={t('flag.colluding')} extra={t('flag.colluding.hint')}>
          <Checkbox.Group options={COLLUSION_ROLES.map((role) => ({ value: role, label: t(`collusion.${role}`) }))} />
        </Form.Item>
      ) : null}
      {refusal === null ? null : <Alert type="warning" showIcon role="alert" message={refusal} style={{ marginBottom: 12 }} />}
      <Space>
        <Button
          htmlType="submit"
          kind={decision === 'confirm' ? 'danger' : 'primary'}
          loading={pending}
          data-testid={decision === 'confirm' ? `confirm-fraud-${flag.id}` : `dismiss-flag-${flag.id}`}
        >
          {decision === 'confirm' ? t('flag.confirm') : t('flag.dismiss')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}

/** One integrity flag (风险提示) beside the claim: the rule, its message, its evidence, the decision. */
export function FlagCard({ flag }: { flag: Flag }) {
  const t = useT();
  const { locale } = useLocale();
  const [decision, setDecision] = useState<Decision | null>(null);
  return (
    <Card
      size="small"
      data-testid={`flag-${flag.rule}`}
      title={
        <Space wrap>
          <SeverityTag severity={flag.severity} />
          <span>{t('flag.rule', { rule: codeLabel(t, 'FlagOut.rule', flag.rule) })}</span>
          {flag.blocking ? <Tag tone="danger">{t('flag.blocking')}</Tag> : null}
        </Space>
      }
      extra={<FlagStatusTag status={flag.status} />}
      style={{ marginBottom: 12 }}
    >
      <Typography.Paragraph strong>{locale === 'zh-CN' ? flag.message_zh : flag.message_en}</Typography.Paragraph>
      <Typography.Text type="secondary">{t('flag.evidence')}</Typography.Text>
      <EvidenceView evidence={flag.evidence} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('flag.raisedAt', { at: formatDateTime(flag.raised_at) })}
        {flag.review_reason === null ? '' : ` · ${t('flag.reviewReason', { reason: flag.review_reason })}`}
      </Typography.Paragraph>
      {flag.status === 'open' && decision === null ? (
        <Space style={{ marginTop: 12 }}>
          <Button onClick={() => setDecision('dismiss')} data-testid={`flag-dismiss-${flag.id}`}>
            {t('flag.dismiss')}
          </Button>
          <Button kind="danger" onClick={() => setDecision('confirm')} data-testid={`flag-confirm-${flag.id}`}>
            {t('flag.confirm')}
          </Button>
        </Space>
      ) : null}
      {decision === null ? null : <DecisionForm flag={flag} decision={decision} onDone={() => setDecision(null)} />}
    </Card>
  );
}
