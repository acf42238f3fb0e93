import { useState } from 'react';

import { downloadFile, type DownloadResult, type Progress as DownloadProgress } from '@/api/files';
import { Button, type ButtonProps, icons, Progress, Space, useShowError } from '@/components/ui';
import { useT } from '@/i18n';

export interface DownloadButtonProps extends Omit<ButtonProps, 'onClick' | 'loading'> {
  /** API path with its query, e.g. "/api/v1/achievements/import/template?format=xlsx". */
  path: string;
  filename: string;
  onDone?: (result: DownloadResult) => void;
}

/** Download with the user's token; shows how much has arrived while a large file streams in. */
export function DownloadButton({ path, filename, onDone, children, ...props }: DownloadButtonProps) {
  const t = useT();
  const showError = useShowError();
  const [progress, setProgress] = useState<DownloadProgress | null>(null);

  const start = () => {
    setProgress({ loaded: 0, total: null });
    downloadFile(path, filename, setProgress)
      .then((result) => onDone?.(result))
      .catch((error: unknown) => showError(error))
      .finally(() => setProgress(null));
  };

  const percent = progress?.total ? Math.round((progress.loaded / progress.total) * 100) : null;
  return (
    <Space>
      <Button icon={<icons.DownloadOutlined />} loading={progress !== null} onClick={start} {...props}>
        {children}
      </Button>
      {progress === null ? null : percent === null ? (
        <span role="status">{t('download.received', { kb: Math.round(progress.loaded / 1024) })}</span>
      ) : (
        <Progress percent={percent} size="small" style={{ width: 120 }} aria-label={t('download.progress')} />
      )}
    </Space>
  );
}
