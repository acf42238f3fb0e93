import { Link, useNavigate } from 'react-router';

import type { DemandDraft, HelpRequest } from '@/api/types';
import { Button, Card, icons, Table, type TableColumns } from '@/components/ui';
import { useRequestDrafts } from '@/hooks/queries/intake';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { DraftStatusTag } from './labels';

/** The demands drafted on a help request: the broker starts one; the firm decides on them. */
export function DraftsSection({ request, base, canDraft }: { request: HelpRequest; base: string; canDraft: boolean }) {
  const t = useT();
  const navigate = useNavigate();
  const drafts = useRequestDrafts(request.id);
  const columns: TableColumns<DemandDraft> = [
    { key: 'title', title: t('demand.title'), render: (_, d) => <Link to={`${base}/drafts/${d.id}`}>{d.title}</Link> },
    { key: 'status', title: t('common.status'), width: 110, render: (_, d) => <DraftStatusTag status={d.status} /> },
    { key: 'dossier', title: t('intake.dossier'), width: 100, render: (_, d) => (d.dossier_id === null ? '—' : t('intake.dossier.has')) },
    { key: 'updated', title: t('intake.draft.updated'), width: 160, render: (_, d) => formatDateTime(d.updated_at) },
  ];
  return (
    <Card
      title={t('intake.drafts')}
      style={{ marginTop: 16 }}
      extra={
        canDraft ? (
          <Button kind="primary" icon={<icons.PlusOutlined />} onClick={() => void navigate(`${base}/help/${request.id}/drafts/new`)} data-testid="draft-new">
            {t('intake.draft.new')}
          </Button>
        ) : null
      }
    >
      <Table<DemandDraft> rowKey="id" size="small" columns={columns} dataSource={drafts.data} loading={drafts.isPending} pagination={false} scroll={{ x: 480 }} locale={{ emptyText: t('intake.drafts.none') }} />
    </Card>
  );
}
