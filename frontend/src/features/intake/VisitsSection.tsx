import type { HelpRequest, Visit, VisitInput } from '@/api/types';
import { DownloadButton } from '@/components/files/DownloadButton';
import {
  Button,
  Card,
  DateInput,
  Form,
  icons,
  Input,
  List,
  Radio,
  Space,
  Typography,
  Upload,
  useMessage,
  useShowError,
} from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useAttachVisitFile, useRecordVisit, useVisits } from '@/hooks/queries/intake';
import { useT } from '@/i18n';
import { formatDate } from '@/lib/dates';

const ACCEPT = '.pdf,.png,.jpg,.jpeg';
const FIELDS = ['kind', 'visited_on', 'attendees', 'findings', 'follow_ups'] as const;

function VisitItem({ visit, requestId, canAttach }: { visit: Visit; requestId: number; canAttach: boolean }) {
  const t = useT();
  const attach = useAttachVisitFile(requestId);
  const message = useMessage();
  const showError = useShowError();
  return (
    <List.Item data-testid={`visit-${visit.id}`}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text strong>
          {formatDate(visit.visited_on)} · {t(`intake.visitKind.${visit.kind}`)} · {visit.broker.display_name}
        </Typography.Text>
        <Typography.Text>
          {t('intake.visit.attendees')}：{visit.attendees}
        </Typography.Text>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
          {t('intake.visit.findings')}：{visit.findings}
        </Typography.Paragraph>
        {visit.follow_ups ? (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
            {t('intake.visit.followUps')}：{visit.follow_ups}
          </Typography.Paragraph>
        ) : null}
        <Space wrap>
          {visit.files.map((f) => (
            <DownloadButton key={f.id} kind="link" size="small" path={`/api/v1/help-requests/${requestId}/visits/${visit.id}/files/${f.id}`} filename={f.filename}>
              {f.filename}
            </DownloadButton>
          ))}
          {canAttach ? (
            <Upload
              accept={ACCEPT}
              showUploadList={false}
              beforeUpload={(file) => {
                attach.mutate(
                  { visitId: visit.id, file },
                  { onSuccess: () => void message.success(t('intake.visit.fileAdded', { name: file.name })), onError: (error) => showError(error) },
                );
                return false;
              }}
            >
              <Button size="small" icon={<icons.UploadOutlined />} loading={attach.isPending}>
                {t('intake.visit.addFile')}
              </Button>
            </Upload>
          ) : null}
        </Space>
      </Space>
    </List.Item>
  );
}

/** The visit log: read by the firm, its broker and administrators; written by the broker. */
export function VisitsSection({ request, canRecord }: { request: HelpRequest; canRecord: boolean }) {
  const t = useT();
  const visits = useVisits(request.id);
  const record = useRecordVisit(request.id);
  const [form] = Form.useForm<VisitInput>();
  const message = useMessage();
  const showError = useShowError();
  return (
    <Card title={t('intake.visits')} style={{ marginTop: 16 }}>
      <List<Visit>
        loading={visits.isPending}
        dataSource={visits.data ?? []}
        locale={{ emptyText: t('intake.visits.none') }}
        renderItem={(visit) => <VisitItem visit={visit} requestId={request.id} canAttach={canRecord} />}
      />
      {canRecord ? (
        <Form<VisitInput>
          form={form}
          layout="vertical"
          aria-label={t('intake.visit.new')}
          data-testid="visit-form"
          initialValues={{ kind: 'visit' }}
          style={{ marginTop: 16 }}
          onFinish={(values) =>
            record.mutate(values, {
              onSuccess: () => {
                void message.success(t('intake.visit.recorded'));
                form.resetFields();
              },
              onError: (error) => showError(error, { form, fields: FIELDS }),
            })
          }
        >
          <Typography.Title level={5}>{t('intake.visit.new')}</Typography.Title>
          <Form.Item name="kind" label={t('intake.visit.kind')}>
            <Radio.Group
              options={[
                { value: 'visit', label: t('intake.visitKind.visit') },
                { value: 'call', label: t('intake.visitKind.call') },
              ]}
            />
          </Form.Item>
          <Form.Item name="visited_on" label={t('intake.visit.date')} rules={[required(t, t('intake.visit.date'))]}>
            <DateInput />
          </Form.Item>
          <Form.Item name="attendees" label={t('intake.visit.attendees')} rules={[required(t, t('intake.visit.attendees'))]}>
            <Input maxLength={500} data-testid="visit-attendees" />
          </Form.Item>
          <Form.Item name="findings" label={t('intake.visit.findings')} rules={[required(t, t('intake.visit.findings'))]}>
            <Input.TextArea rows={4} maxLength={5000} data-testid="visit-findings" />
          </Form.Item>
          <Form.Item name="follow_ups" label={t('intake.visit.followUps')}>
            <Input.TextArea rows={2} maxLength={5000} />
          </Form.Item>
          <Button kind="primary" htmlType="submit" loading={record.isPending} data-testid="visit-submit">
            {t('intake.visit.submit')}
          </Button>
        </Form>
      ) : null}
    </Card>
  );
}
