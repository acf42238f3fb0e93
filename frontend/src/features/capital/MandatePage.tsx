import { API_ENUMS } from '@/api/enums';
import type { MandateInput } from '@/api/types';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  MoneyInput,
  PageHeader,
  QueryState,
  Row,
  Select,
  TreeSelect,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useFieldName } from '@/features/listings/fields';
import { useMandate, useSaveMandate } from '@/hooks/queries/capital';
import { useFieldTree } from '@/hooks/queries/listings';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';
import { cmp, parseDec } from '@/lib/decimal';

const MANDATE_FIELDS = ['investor_kind', 'description', 'field_ids', 'field_ids.*', 'trl_min', 'trl_max', 'ticket_min', 'ticket_max', 'regions', 'regions.*', 'instruments', 'instruments.*'] as const;

const SEPARATORS = [',', '，', '、', ';', '；'];

/** The investor's mandate (投资偏好): what it invests in; the feed shows what fits it. */
export function MandatePage() {
  const t = useT();
  const mandate = useMandate();
  const save = useSaveMandate();
  const [form] = Form.useForm<MandateInput>();
  const showError = useShowError();
  const message = useMessage();
  const tree = useFieldTree();
  const fieldName = useFieldName();
  const treeData = (tree.data ?? []).filter((n) => n.active).map((n) => ({
    value: n.id, title: fieldName(n),
    children: (n.children ?? []).filter((c) => c.active).map((c) => ({ value: c.id, title: fieldName(c) })),
  }));
  return (
    <>
      <PageHeader title={t('capital.mandate.title')} subtitle={t('capital.mandate.subtitle')} />
      <QueryState isPending={mandate.isPending} error={mandate.error} retry={() => void mandate.refetch()}>
        <Card>
          {mandate.data === null ? <Alert type="info" showIcon message={t('capital.mandate.none')} style={{ marginBottom: 16 }} /> : null}
          {mandate.data ? (
            <Typography.Paragraph type="secondary">{t('capital.mandate.updated', { at: formatDateTime(mandate.data.updated_at) })}</Typography.Paragraph>
          ) : null}
          {mandate.isPending ? null : (
            <Form<MandateInput> form={form} layout="vertical" data-testid="mandate-form" scrollToFirstError
              initialValues={mandate.data ?? { trl_min: 1, trl_max: 9, regions: [], instruments: [], field_ids: [], description: '' }}
              onFinish={(v) => save.mutate({
                investor_kind: v.investor_kind, description: v.description ?? '', field_ids: v.field_ids, trl_min: v.trl_min, trl_max: v.trl_max,
                ticket_min: v.ticket_min, ticket_max: v.ticket_max, regions: v.regions ?? [], instruments: v.instruments ?? [],
              }, {
                onSuccess: () => void message.success(t('common.saved')),
                onError: (e) => showError(e, { form, fields: MANDATE_FIELDS }),
              })}>
              <Form.Item name="investor_kind" label={t('capital.mandate.kind')} rules={[{ required: true, message: t('form.required', { field: t('capital.mandate.kind') }) }]}>
                <Select options={API_ENUMS.InvestorKind.map((k) => ({ value: k, label: t(`investorKind.${k}`) }))} data-testid="mandate-kind" />
              </Form.Item>
              <Form.Item name="description" label={t('capital.mandate.description')} extra={t('capital.mandate.description.hint')}>
                <Input.TextArea rows={4} maxLength={4000} showCount />
              </Form.Item>
              <Form.Item name="field_ids" label={t('capital.mandate.fields')} extra={t('capital.mandate.fields.hint')}
                rules={[{ required: true, type: 'array', min: 1, message: t('form.required', { field: t('capital.mandate.fields') }) }]}>
                <TreeSelect<number[]> multiple treeData={treeData} showSearch treeNodeFilterProp="title" style={{ width: '100%' }} data-testid="mandate-fields" />
              </Form.Item>
              <Row gutter={16}>
                <Col xs={12} md={6}>
                  <Form.Item name="trl_min" label={t('capital.mandate.trlMin')}>
                    <InputNumber min={1} max={9} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="trl_max" label={t('capital.mandate.trlMax')} dependencies={['trl_min']}
                    rules={[({ getFieldValue }) => ({ validator: (_r, v: number | null | undefined) => (v != null && Number(getFieldValue('trl_min')) > v ? Promise.reject(new Error(t('capital.form.trlOrder'))) : Promise.resolve()) })]}>
                    <InputNumber min={1} max={9} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={6}>
                  <Form.Item name="ticket_min" label={t('capital.mandate.ticketMin')} rules={[{ required: true, message: t('form.required', { field: t('capital.mandate.ticketMin') }) }]}>
                    <MoneyInput max="10000000000" data-testid="mandate-ticket-min" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={6}>
                  <Form.Item name="ticket_max" label={t('capital.mandate.ticketMax')} dependencies={['ticket_min']}
                    rules={[{ required: true, message: t('form.required', { field: t('capital.mandate.ticketMax') }) }, ({ getFieldValue }) => ({
                      validator: (_r, v: string | null | undefined) => {
                        const low = parseDec(String(getFieldValue('ticket_min') ?? ''));
                        const high = v ? parseDec(v) : null;
                        return low !== null && high !== null && cmp(high, low) < 0 ? Promise.reject(new Error(t('capital.mandate.ticketOrder'))) : Promise.resolve();
                      },
                    })]}>
                    <MoneyInput max="10000000000" data-testid="mandate-ticket-max" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="regions" label={t('capital.mandate.regions')} extra={t('capital.mandate.regions.hint')}>
                <Select mode="tags" tokenSeparators={SEPARATORS} open={false} suffixIcon={null} maxCount={50} />
              </Form.Item>
              <Form.Item name="instruments" label={t('capital.mandate.instruments')} extra={t('capital.mandate.instruments.hint')}>
                <Checkbox.Group options={API_ENUMS.Instrument.map((i) => ({ value: i, label: t(`instrument.${i}`) }))} />
              </Form.Item>
              <Button kind="primary" htmlType="submit" loading={save.isPending} data-testid="mandate-save">{t('common.save')}</Button>
            </Form>
          )}
        </Card>
      </QueryState>
    </>
  );
}
