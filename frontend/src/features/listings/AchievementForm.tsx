import { type ReactNode, useRef } from 'react';

import { IP_KINDS, MODES, TECH_STAGES } from '@/api/types';
import { Alert, Button, Checkbox, Col, Form, type FormInstance, icons, Input, InputNumber, MoneyInput, Radio, Row, Select, Space, Switch } from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { DraftHelpPanel } from '@/features/matches/DraftHelpPanel';
import { DraftLayout } from '@/features/matches/DraftLayout';
import { useT } from '@/i18n';

import { type AchievementFormValues } from './achievementValues';
import { FieldSelect } from './FieldSelect';

export interface AchievementFormProps {
  form: FormInstance<AchievementFormValues>;
  initialValues?: Partial<AchievementFormValues>;
  onSubmit: (values: AchievementFormValues, publish: boolean) => void;
  submitting: boolean;
  canPublish: boolean;
  verified: boolean;
}

/** The form with its drafting help (what it would match, its likely field, keywords to add). */
export function AchievementForm(props: AchievementFormProps) {
  return <DraftLayout help={<DraftHelpPanel kind="achievement" form={props.form} />} form={(inlineHelp) => <AchievementFormBody {...props} inlineHelp={inlineHelp} />} />;
}

function AchievementFormBody({ form, initialValues, onSubmit, submitting, canPublish, verified, inlineHelp }: AchievementFormProps & { inlineHelp: ReactNode }) {
  const t = useT();
  const publish = useRef(false);

  return (
    <Form<AchievementFormValues>
      form={form}
      layout="vertical"
      data-testid="achievement-form"
      aria-label={t('achievement.form.label')}
      initialValues={{ negotiable: true, modes: [], keywords: [], ip_items: [], stage: 'lab', ...initialValues }}
      onFinish={(values) => onSubmit(values, publish.current)}
      scrollToFirstError
    >
      <Form.Item name="title" label={t('achievement.title')} rules={[required(t, t('achievement.title')), { max: 200 }]}>
        <Input maxLength={200} showCount />
      </Form.Item>
      <Form.Item name="abstract" label={t('achievement.abstract')} extra={t('achievement.abstract.hint')} rules={[required(t, t('achievement.abstract'))]}>
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
            <Select mode="tags" tokenSeparators={[',', '，', '、', ';', '；']} open={false} suffixIcon={null} maxCount={16} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="trl" label={t('trl.label')} extra={t('trl.hint')} rules={[{ required: true, message: t('form.required', { field: t('trl.label') }) }]}>
            <InputNumber min={1} max={9} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="stage" label={t('achievement.stage')} rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={TECH_STAGES.map((stage) => ({ value: stage, label: t(`techStage.${stage}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="team_lead" label={t('achievement.teamLead')} rules={[required(t, t('achievement.teamLead'))]}>
            <Input maxLength={64} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="price" label={t('achievement.price')} extra={t('achievement.price.hint')}>
            <MoneyInput />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="negotiable" label={t('achievement.negotiable')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="region" label={t('common.region')} rules={[required(t, t('common.region'))]}>
            <Input maxLength={64} placeholder={t('listing.region.placeholder')} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="modes" label={t('listing.modes')} extra={t('listing.modes.hint')} rules={[{ required: true, type: 'array', min: 1, message: t('listing.modes.required') }]}>
        <Checkbox.Group options={MODES.map((mode) => ({ value: mode, label: t(`mode.${mode}`) }))} />
      </Form.Item>
      <Form.Item label={t('achievement.ipItems')} extra={t('achievement.ipItems.hint')}>
        <Form.List name="ip_items">
          {(items, { add, remove }) => (
            <>
              {items.map((item) => (
                <Space key={item.key} align="baseline" wrap style={{ display: 'flex', marginBottom: 8 }}>
                  <Form.Item name={[item.name, 'kind']} rules={[{ required: true, message: t('form.required', { field: t('achievement.ip.kind') }) }]} noStyle={false}>
                    <Select aria-label={t('achievement.ip.kind')} style={{ width: 150 }} options={IP_KINDS.map((kind) => ({ value: kind, label: t(`ipKind.${kind}`) }))} />
                  </Form.Item>
                  <Form.Item name={[item.name, 'number']}>
                    <Input aria-label={t('achievement.ip.number')} placeholder={t('achievement.ip.number.placeholder')} maxLength={32} style={{ width: 200 }} />
                  </Form.Item>
                  <Form.Item name={[item.name, 'title']} rules={[{ required: true, whitespace: true, message: t('form.required', { field: t('achievement.ip.title') }) }]}>
                    <Input aria-label={t('achievement.ip.title')} placeholder={t('achievement.ip.title')} maxLength={200} style={{ width: 260 }} />
                  </Form.Item>
                  <Button kind="text" icon={<icons.MinusCircleOutlined />} aria-label={t('achievement.ip.remove')} onClick={() => remove(item.name)} />
                </Space>
              ))}
              <Button kind="secondary" icon={<icons.PlusOutlined />} onClick={() => add({ kind: 'invention_patent' })}>
                {t('achievement.ip.add')}
              </Button>
            </>
          )}
        </Form.List>
      </Form.Item>
      {canPublish && !verified ? <Alert type="warning" showIcon message={t('listing.publish.needsVerification')} style={{ marginBottom: 16 }} /> : null}
      <Space>
        {canPublish ? (
          <>
            <Button htmlType="submit" loading={submitting} onClick={() => (publish.current = false)} data-testid="achievement-save-draft">
              {t('listing.saveDraft')}
            </Button>
            <Button kind="primary" htmlType="submit" loading={submitting} disabled={!verified} onClick={() => (publish.current = true)} data-testid="achievement-publish">
              {t('listing.publish')}
            </Button>
          </>
        ) : (
          <Button kind="primary" htmlType="submit" loading={submitting} data-testid="achievement-save">
            {t('common.save')}
          </Button>
        )}
      </Space>
    </Form>
  );
}
