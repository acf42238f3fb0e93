import { type ReactNode, useRef } from 'react';

import { MODES, VISIBILITIES } from '@/api/types';
import {
  Alert,
  Button,
  Checkbox,
  Col,
  DateInput,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  MoneyInput,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { DraftHelpPanel } from '@/features/matches/DraftHelpPanel';
import { DraftLayout } from '@/features/matches/DraftLayout';
import { useT } from '@/i18n';
import { cmp, parseDec } from '@/lib/decimal';

import { type DemandFormValues } from './demandValues';
import { FieldSelect } from './FieldSelect';

export interface DemandFormProps {
  form: FormInstance<DemandFormValues>;
  initialValues?: Partial<DemandFormValues>;
  /** `publish` is true when the user chose "publish" rather than "save as draft". */
  onSubmit: (values: DemandFormValues, publish: boolean) => void;
  submitting: boolean;
  /** A draft can be published from the form; a published demand is only saved. */
  canPublish: boolean;
  /** Publishing needs a verified organisation; say so before the server does. */
  verified: boolean;
}

const KEYWORD_SEPARATORS = [',', '，', '、', ';', '；'];

/** The form with its drafting help (what it would match, its likely field, keywords to add). */
export function DemandForm(props: DemandFormProps) {
  return <DraftLayout help={<DraftHelpPanel kind="demand" form={props.form} />} form={(inlineHelp) => <DemandFormBody {...props} inlineHelp={inlineHelp} />} />;
}

function DemandFormBody({ form, initialValues, onSubmit, submitting, canPublish, verified, inlineHelp }: DemandFormProps & { inlineHelp: ReactNode }) {
  const t = useT();
  const visibility = Form.useWatch('visibility', form);
  const anonymous = Form.useWatch('anonymous', form);
  // Which submit button was pressed; read when validation has passed.
  const publish = useRef(false);

  return (
    <Form<DemandFormValues>
      form={form}
      layout="vertical"
      data-testid="demand-form"
      aria-label={t('demand.form.label')}
      initialValues={{ visibility: 'public', anonymous: false, modes: [], keywords: [], ...initialValues }}
      onFinish={(values) => onSubmit(values, publish.current)}
      scrollToFirstError
    >
      <Form.Item name="title" label={t('demand.title')} rules={[required(t, t('demand.title')), { max: 200 }]}>
        <Input maxLength={200} showCount />
      </Form.Item>
      <Form.Item name="description" label={t('demand.description')} extra={t('demand.description.hint')} rules={[required(t, t('demand.description'))]}>
        <Input.TextArea rows={6} maxLength={5000} showCount />
      </Form.Item>
      {inlineHelp === null ? null : <div style={{ marginBottom: 24 }}>{inlineHelp}</div>}
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="field_id" label={t('common.field')} extra={t('listing.field.hint')} rules={[{ required: true, message: t('form.required', { field: t('common.field') }) }]}>
            <FieldSelect />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="keywords" label={t('common.keywords')} extra={t('listing.keywords.hint')}>
            <Select mode="tags" tokenSeparators={KEYWORD_SEPARATORS} open={false} suffixIcon={null} maxCount={16} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="budget_min" label={t('demand.budgetMin')}>
            <MoneyInput />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="budget_max"
            label={t('demand.budgetMax')}
            dependencies={['budget_min']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_rule, value: string | null | undefined) => {
                  const low = parseDec(String(getFieldValue('budget_min') ?? ''));
                  const high = value ? parseDec(value) : null;
                  return low !== null && high !== null && cmp(high, low) < 0
                    ? Promise.reject(new Error(t('demand.budget.order')))
                    : Promise.resolve();
                },
              }),
            ]}
          >
            <MoneyInput />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="min_trl" label={t('demand.minTrl')} extra={t('trl.hint')}>
            <InputNumber min={1} max={9} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name="modes"
        label={t('listing.modes')}
        extra={t('listing.modes.hint')}
        rules={[{ required: true, type: 'array', min: 1, message: t('listing.modes.required') }]}
      >
        <Checkbox.Group options={MODES.map((mode) => ({ value: mode, label: t(`mode.${mode}`) }))} />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="deadline" label={t('demand.deadline')} extra={t('demand.deadline.hint')}>
            <DateInput />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="region" label={t('common.region')} rules={[required(t, t('common.region'))]}>
            <Input maxLength={64} placeholder={t('listing.region.placeholder')} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="visibility" label={t('demand.visibility')} rules={[{ required: true }]}>
        <Radio.Group>
          <Space direction="vertical">
            {VISIBILITIES.map((option) => (
              <Radio key={option} value={option}>
                <strong>{t(`visibility.${option}`)}</strong>
                <Typography.Text type="secondary"> — {t(`visibility.${option}.explain`)}</Typography.Text>
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </Form.Item>
      <Form.Item name="anonymous" label={t('demand.anonymous')} valuePropName="checked" extra={anonymous ? t('demand.anonymous.on') : t('demand.anonymous.off')}>
        <Switch />
      </Form.Item>
      {visibility === 'private' ? <Alert type="info" showIcon message={t('demand.visibility.privateNote')} style={{ marginBottom: 16 }} /> : null}
      {canPublish && !verified ? <Alert type="warning" showIcon message={t('listing.publish.needsVerification')} style={{ marginBottom: 16 }} /> : null}
      <Space>
        {canPublish ? (
          <>
            <Button htmlType="submit" loading={submitting} onClick={() => (publish.current = false)} data-testid="demand-save-draft">
              {t('listing.saveDraft')}
            </Button>
            <Button kind="primary" htmlType="submit" loading={submitting} disabled={!verified} onClick={() => (publish.current = true)} data-testid="demand-publish">
              {t('listing.publish')}
            </Button>
          </>
        ) : (
          <Button kind="primary" htmlType="submit" loading={submitting} data-testid="demand-save">
            {t('common.save')}
          </Button>
        )}
      </Space>
    </Form>
  );
}
