import type { ContractFile, Deal } from '@/api/types';
import { DownloadButton } from '@/components/files/DownloadButton';
import { Alert, Button, icons, Table, type TableColumns, Upload, useMessage, useShowError } from '@/components/ui';
import { useUploadContractFile } from '@/hooks/queries/deals';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { runsDeal } from './access';

const ACCEPT = '.pdf,.png,.jpg,.jpeg';

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The signed contract and its attachments (PDF or images), stored by content hash. */
export function FilesSection({ deal }: { deal: Deal }) {
  const t = useT();
  const upload = useUploadContractFile(deal.id);
  const message = useMessage();
  const showError = useShowError();
  const files = deal.contract?.files ?? [];
  const columns: TableColumns<ContractFile> = [
    { key: 'name', title: t('file.name'), render: (_, f) => f.filename },
    { key: 'size', title: t('file.size'), width: 100, render: (_, f) => size(f.size) },
    { key: 'uploaded', title: t('file.uploadedAt'), width: 170, render: (_, f) => formatDateTime(f.uploaded_at) },
    { key: 'sha', title: 'SHA-256', render: (_, f) => <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code> },
    {
      key: 'download',
      title: t('common.actions'),
      render: (_, f) => (
        <DownloadButton kind="link" size="small" path={`/api/v1/deals/${deal.id}/files/${f.id}`} filename={f.filename}>
          {t('common.download')}
        </DownloadButton>
      ),
    },
  ];

  if (deal.contract === null) return <Alert type="info" showIcon message={t('file.needsContract')} />;
  return (
    <>
      <Table<ContractFile> rowKey="id" size="small" columns={columns} dataSource={files} pagination={false} locale={{ emptyText: t('file.none') }} />
      {runsDeal(deal) ? (
        <Upload
          accept={ACCEPT}
          showUploadList={false}
          beforeUpload={(file) => {
            upload.mutate(file, { onSuccess: () => void message.success(t('file.uploaded', { name: file.name })), onError: (error) => showError(error) });
            return false;
          }}
        >
          <Button icon={<icons.UploadOutlined />} loading={upload.isPending} style={{ marginTop: 12 }} data-testid="contract-file-upload">
            {t('file.upload')}
          </Button>
        </Upload>
      ) : null}
    </>
  );
}
