import { useState } from 'react';

import { downloadFile } from '@/api/files';
import type { DossierCategory, PocFile } from '@/api/types';
import { Button, icons, Select, Space, Table, type TableColumns, Typography, Upload, useMessage, useShowError } from '@/components/ui';
import { useAttachPocFile, usePocFiles, useRemovePocFile } from '@/hooks/queries/experts';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

const ACCEPT = '.pdf,.png,.jpg,.jpeg';
const CATEGORIES: DossierCategory[] = ['data', 'photo', 'ip', 'transfer_plan', 'other'];

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A proof-of-concept request's dossier: the institute uploads and removes (while the review is
 *  open); the institute, administrators and the seated panel download. */
export function DossierFiles({ requestId, editable }: { requestId: number; editable: boolean }) {
  const t = useT();
  const files = usePocFiles(requestId);
  const attach = useAttachPocFile(requestId);
  const remove = useRemovePocFile(requestId);
  const [category, setCategory] = useState<DossierCategory>('data');
  const message = useMessage();
  const showError = useShowError();
  const columns: TableColumns<PocFile> = [
    { key: 'category', title: t('experts.dossier.category'), width: 120, render: (_, f) => t(`dossierCategory.${f.category}`) },
    { key: 'name', title: t('experts.dossier.file'), render: (_, f) => <Space direction="vertical" size={0}><span>{f.filename}</span><Typography.Text type="secondary">{`${size(f.size)} · ${formatDateTime(f.uploaded_at)}`}</Typography.Text></Space> },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 150,
      render: (_, f) => (
        <Space wrap size={4}>
          <Button size="small" data-testid={`poc-file-download-${f.id}`} onClick={() => void downloadFile(`/api/v1/poc-requests/${requestId}/files/${f.id}`, f.filename).catch((e: unknown) => showError(e))}>
            {t('experts.dossier.download')}
          </Button>
          {editable ? (
            <Button size="small" kind="danger" loading={remove.isPending} onClick={() => remove.mutate(f.id, { onError: (e) => showError(e) })}>
              {t('experts.dossier.remove')}
            </Button>
          ) : null}
        </Space>
      ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 8 }} data-testid={`poc-dossier-${requestId}`}>
      <Typography.Text strong>{t('experts.dossier')}</Typography.Text>
      <Typography.Text type="secondary">{t('experts.dossier.hint')}</Typography.Text>
      {editable ? (
        <Space wrap>
          <Select<DossierCategory>
            aria-label={t('experts.dossier.category')}
            data-testid="poc-file-category"
            value={category}
            onChange={setCategory}
            style={{ minWidth: 140 }}
            options={CATEGORIES.map((c) => ({ value: c, label: t(`dossierCategory.${c}`) }))}
          />
          <Upload
            accept={ACCEPT}
            showUploadList={false}
            beforeUpload={(file) => {
              attach.mutate({ file, category }, { onSuccess: () => void message.success(t('experts.dossier.uploaded')), onError: (e) => showError(e) });
              return false;
            }}
          >
            <Button icon={<icons.UploadOutlined />} loading={attach.isPending} data-testid="poc-file-upload">
              {t('experts.dossier.upload')}
            </Button>
          </Upload>
        </Space>
      ) : null}
      <Table<PocFile> rowKey="id" size="small" pagination={false} columns={columns} dataSource={files.data} loading={files.isPending} scroll={{ x: 480 }} locale={{ emptyText: t('experts.dossier.none') }} />
    </Space>
  );
}
