import { Alert, Form, Input, Modal } from 'antd';
import { useEffect } from 'react';

import { useT } from '@/i18n';

export interface ReasonDialogProps {
  open: boolean;
  title: string;
  /** What happens, said before the user commits to it. */
  description?: string;
  okText: string;
  danger?: boolean;
  /** A reason must be given (rejections, ending a deal, confirming fraud). */
  required?: boolean;
  loading?: boolean;
  /** Server-side problem to show under the field, e.g. a 409 explaining why not. */
  error?: string | null;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
  testId?: string;
  /** The field's label, when what is asked is not a reason (a bank reference, say). */
  label?: string;
  maxLength?: number;
}

/** Ask for a reason before an action that needs one on record. */
export function ReasonDialog({ open, title, description, okText, danger = false, required = true, loading = false, error = null, onSubmit, onCancel, testId, label, maxLength = 500 }: ReasonDialogProps) {
  const t = useT();
  const fieldLabel = label ?? t('common.reason');
  const [form] = Form.useForm<{ reason: string }>();
  useEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);

  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger, loading, 'data-testid': `${testId ?? 'reason-dialog'}-ok` }}
      onOk={() => {
        form.validateFields().then(({ reason }) => onSubmit(reason.trim()), () => undefined);
      }}
      onCancel={onCancel}
      destroyOnHidden
    >
      {description === undefined ? null : <p>{description}</p>}
      {error ? <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" data-testid={testId}>
        <Form.Item
          name="reason"
          label={fieldLabel}
          rules={required ? [{ required: true, whitespace: true, message: t('form.required', { field: fieldLabel }) }] : []}
        >
          <Input.TextArea rows={3} maxLength={maxLength} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
