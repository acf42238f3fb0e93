import { DownloadButton } from '@/components/files/DownloadButton';
import type { Dossier, DossierInput } from '@/api/types';
import { Button, Form, icons, Input, MoneyInput, Space, Typography, Upload, useMessage, useShowError } from '@/components/ui';
import { required } from '@/features/accounts/formRules';
import { useAttachDossierFile } from '@/hooks/queries/intake';
import { useT } from '@/i18n';

const ACCEPT = '.pdf,.png,.jpg,.jpeg';
const FIELDS = ['details', 'volumes', 'budget'] as const;

export interface DossierEditorProps {
  dossier: Dossier | null;
  saving: boolean;
  onSave: (values: DossierInput, done: () => void, fail: (error: unknown) => void) => void;
  /** Whether files may still be attached (not once what it belongs to has ended). */
  uploads?: boolean;
  /** The demand's line on what goes here; a financing request's or a challenge's card says it
   *  in its own alert (and has no "demand" for the public summary to stay in). */
  explain?: boolean;
}

/** Write a dossier (technical details, volumes, budget) and attach drawings once it exists. */
export function DossierEditor({ dossier, saving, onSave, uploads = true, explain = true }: DossierEditorProps) {
  const t = useT();
  const [form] = Form.useForm<DossierInput>();
  const message = useMessage();
  const showError = useShowError();
  const attach = useAttachDossierFile(dossier?.id ?? 0);
  return (
    <Form<DossierInput>
      form={form}
      layout="vertical"
      aria-label={t('intake.dossier')}
      initialValues={dossier === null ? { volumes: '' } : { details: dossier.details, volumes: dossier.volumes, budget: dossier.budget }}
      onFinish={(values) =>
        onSave(
          { ...values, budget: values.budget === '' ? null : (values.budget ?? null) },
          () => void message.success(t('intake.dossier.saved')),
          (error) => showError(error, { form, fields: FIELDS }),
        )
      }
    >
      {explain ? <Typography.Paragraph type="secondary">{t('intake.dossier.explain')}</Typography.Paragraph> : null}
      <Form.Item name="details" label={t('intake.dossier.details')} rules={[required(t, t('intake.dossier.details'))]}>
        <Input.TextArea rows={5} maxLength={5000} showCount data-testid="dossier-details" />
      </Form.Item>
      <Form.Item name="volumes" label={t('intake.dossier.volumes')}>
        <Input maxLength={1000} />
      </Form.Item>
      <Form.Item name="budget" label={t('intake.dossier.budget')}>
        <MoneyInput />
      </Form.Item>
      <Space wrap>
        <Button kind="primary" htmlType="submit" loading={saving} data-testid="dossier-save">
          {t('intake.dossier.save')}
        </Button>
        {dossier === null || !uploads ? null : (
          <Upload
            accept={ACCEPT}
            showUploadList={false}
            beforeUpload={(file) => {
              attach.mutate(file, { onSuccess: () => void message.success(t('intake.visit.fileAdded', { name: file.name })), onError: (e) => showError(e) });
              return false;
            }}
          >
            <Button icon={<icons.UploadOutlined />} loading={attach.isPending}>
              {t('intake.dossier.addFile')}
            </Button>
          </Upload>
        )}
      </Space>
      {dossier === null || dossier.files.length === 0 ? null : (
        <div style={{ marginTop: 12 }}>
          {dossier.files.map((f) => (
            <DownloadButton key={f.id} kind="link" size="small" path={`/api/v1/dossiers/${dossier.id}/files/${f.id}`} filename={f.filename}>
              {f.filename}
            </DownloadButton>
          ))}
        </div>
      )}
    </Form>
  );
}
