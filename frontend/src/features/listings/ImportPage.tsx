import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';

import { ApiError } from '@/api/problem';
import type { ImportJob } from '@/api/types';
import { DownloadButton } from '@/components/files/DownloadButton';
import { Alert, Button, Card, Checkbox, Flex, icons, PageHeader, Progress, ServerText, Space, Steps, Table, type TableColumns, Typography, Upload, useShowError } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { IMPORT_TEMPLATE_PATH, useImportAchievements, useImportJob } from '@/hooks/queries/listings';
import { useT } from '@/i18n';

import { type RowProblem, rowProblems } from './importProblems';

/** Seconds since `running` became true: long uploads show that something is happening. */
function useElapsed(running: boolean): number {
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    if (!running) return undefined;
    const started = Date.now();
    const timer = setInterval(() => setElapsed(Math.floor((Date.now() - started) / 1000)), 500);
    return () => {
      clearInterval(timer);
      setElapsed(0);
    };
  }, [running]);
  return elapsed;
}

const ACCEPT = '.xlsx,.csv';
const MAX_MB = 20;

const finished = (job: ImportJob | undefined) => job?.status === 'succeeded' || job?.status === 'failed';

/** How far the rows' check has come, in percent (the insert after it is quick). */
function percent(job: ImportJob): number {
  if (job.rows_total === 0) return 0;
  return Math.min(99, Math.floor((job.rows_checked / job.rows_total) * 100));
}

export function ImportPage() {
  const t = useT();
  const navigate = useNavigate();
  const session = useSession();
  const verified = session.status === 'authenticated' && session.user.organisation?.verification_status === 'verified';
  const showError = useShowError();
  const importer = useImportAchievements();
  const [file, setFile] = useState<File | null>(null);
  const [publish, setPublish] = useState(false);
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useImportJob(jobId);
  const current = job.data;
  const working = importer.isPending || (jobId !== null && !finished(current) && !job.isError);
  const elapsed = useElapsed(working);
  const refused = importer.error instanceof ApiError ? importer.error.problem.detail : job.error instanceof ApiError ? job.error.problem.detail : job.isError ? t('import.failed') : null;
  const rejected = current === undefined ? null : rowProblems(current);
  const failedWhole = current?.status === 'failed' && rejected === null ? (current.detail ?? t('import.failed')) : null;
  const result = current?.status === 'succeeded' ? current : null;

  const step = result !== null ? 3 : working ? 2 : file !== null ? 1 : 0;

  const reset = () => {
    setJobId(null);
    importer.reset();
  };

  const submit = () => {
    if (file === null) return;
    reset();
    importer.mutate(
      { file, publish },
      {
        onSuccess: (started) => setJobId(started.id),
        onError: (error) => {
          if (!(error instanceof ApiError)) showError(error);
        },
      },
    );
  };

  const columns: TableColumns<RowProblem> = [
    { key: 'row', title: t('import.errors.row'), width: 90, render: (_, p) => p.row ?? '—' },
    { key: 'column', title: t('import.errors.column'), width: 180, render: (_, p) => p.column },
    { key: 'message', title: t('import.errors.message'), render: (_, p) => <ServerText text={p.message} /> },
  ];

  return (
    <>
      <PageHeader title={t('nav.institute.import')} subtitle={t('import.subtitle')} />
      <Card>
        <Steps
          current={step}
          style={{ marginBottom: 24 }}
          items={[{ title: t('import.step.template') }, { title: t('import.step.upload') }, { title: t('import.step.check') }, { title: t('import.step.done') }]}
        />
        <Flex vertical gap={24}>
          <section aria-labelledby="import-template">
            <Typography.Title level={5} id="import-template">
              1. {t('import.template.title')}
            </Typography.Title>
            <Typography.Paragraph type="secondary">{t('import.template.hint')}</Typography.Paragraph>
            <Typography.Paragraph type="secondary">{t('import.template.notes')}</Typography.Paragraph>
            <Space wrap>
              <DownloadButton path={`${IMPORT_TEMPLATE_PATH}?format=xlsx`} filename="achievements-template.xlsx" data-testid="template-xlsx">
                {t('import.template.xlsx')}
              </DownloadButton>
              <DownloadButton path={`${IMPORT_TEMPLATE_PATH}?format=csv`} filename="achievements-template.csv" kind="link" data-testid="template-csv">
                {t('import.template.csv')}
              </DownloadButton>
            </Space>
          </section>

          <section aria-labelledby="import-upload">
            <Typography.Title level={5} id="import-upload">
              2. {t('import.upload.title')}
            </Typography.Title>
            <Upload.Dragger
              accept={ACCEPT}
              multiple={false}
              maxCount={1}
              fileList={file === null ? [] : [{ uid: 'file', name: file.name, status: 'done', size: file.size }]}
              beforeUpload={(chosen) => {
                setFile(chosen);
                reset();
                return false;
              }}
              onRemove={() => {
                setFile(null);
                reset();
              }}
              disabled={working}
              data-testid="import-file"
            >
              <p className="ant-upload-drag-icon">
                <icons.InboxOutlined />
              </p>
              <p>{t('import.upload.drop')}</p>
              <p className="ant-upload-hint">{t('import.upload.hint', { mb: MAX_MB })}</p>
            </Upload.Dragger>
            {file !== null && file.size > MAX_MB * 1024 * 1024 ? <Alert type="warning" showIcon message={t('import.upload.tooLarge', { mb: MAX_MB })} style={{ marginTop: 12 }} /> : null}
            <Flex gap={16} align="center" wrap style={{ marginTop: 16 }}>
              <Checkbox checked={publish} disabled={!verified} onChange={(event) => setPublish(event.target.checked)}>
                {t('import.publish')}
              </Checkbox>
              {verified ? null : <Typography.Text type="secondary">{t('listing.publish.needsVerification')}</Typography.Text>}
              <Button kind="primary" icon={<icons.UploadOutlined />} disabled={file === null} loading={working} onClick={submit} data-testid="import-submit">
                {t('import.submit')}
              </Button>
            </Flex>
          </section>

          {working ? (
            <div role="status" aria-live="polite" data-testid="import-progress">
              <Progress percent={current === undefined ? 0 : percent(current)} status="active" />
              <Typography.Text type="secondary">
                {current === undefined
                  ? t('import.uploading', { seconds: elapsed })
                  : current.status === 'queued'
                    ? t('import.queued', { seconds: elapsed })
                    : t('import.checking', { checked: current.rows_checked, total: current.rows_total, seconds: elapsed })}
              </Typography.Text>
            </div>
          ) : null}

          {refused === null && failedWhole === null ? null : (
            <Alert type="error" showIcon role="alert" data-testid="import-refused" message={t('import.refused')} description={<ServerText text={refused ?? failedWhole} />} />
          )}

          {rejected === null ? null : (
            <section aria-labelledby="import-errors" data-testid="import-errors">
              <Alert
                type="error"
                showIcon
                role="alert"
                message={<span id="import-errors">{t('import.rejected', { count: rejected.count })}</span>}
                description={
                  rejected.count > rejected.problems.length ? t('import.rejected.more', { shown: rejected.problems.length }) : t('import.rejected.fix')
                }
                style={{ marginBottom: 12 }}
              />
              <Table<RowProblem> rowKey="key" size="small" columns={columns} dataSource={rejected.problems} pagination={{ pageSize: 50 }} />
            </section>
          )}

          {result === null ? null : (
            <Alert
              type="success"
              showIcon
              role="status"
              data-testid="import-result"
              message={result.publish ? t('import.done.published', { count: result.imported }) : t('import.done.drafts', { count: result.imported })}
              action={
                <Button size="small" onClick={() => void navigate('/institute/achievements')}>
                  {t('import.done.view')}
                </Button>
              }
            />
          )}
        </Flex>
      </Card>
    </>
  );
}
