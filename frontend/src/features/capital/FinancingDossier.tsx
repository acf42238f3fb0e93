import { useState } from 'react';

import type { FinancingRequest } from '@/api/types';
import { Alert, Button, Card, Space, Tabs } from '@/components/ui';
import { DossierEditor } from '@/features/intake/DossierEditor';
import { AccessTable, ViewLog } from '@/features/intake/DossierPages';
import { DossierViewerCard } from '@/features/intake/DossierPanel';
import { useDossier, useFinancingDossierStatus, usePutFinancingDossier } from '@/hooks/queries/intake';
import { useT } from '@/i18n';

/** The owner's card: write the request's dossier, attach files, grant / decline / revoke access
 *  and see every read. */
export function OwnerFinancingDossier({ request }: { request: FinancingRequest }) {
  const t = useT();
  const status = useFinancingDossierStatus(request.id, request.has_dossier);
  const dossierId = request.has_dossier ? (status.data?.dossier_id ?? null) : null;
  const dossier = useDossier(dossierId, dossierId !== null);
  const put = usePutFinancingDossier(request.id);
  if ((request.has_dossier && status.isPending) || (dossierId !== null && dossier.isPending)) return <Card loading title={t('capital.dossier.title')} />;
  const content = dossier.data ?? null;
  const editor = request.status === 'withdrawn' ? null : (
    <DossierEditor
      key={content?.updated_at ?? 'new'}
      dossier={content}
      saving={put.isPending}
      uploads={request.status !== 'closed'}
      onSave={(values, done, fail) => put.mutate(values, { onSuccess: done, onError: fail })}
      explain={false}
    />
  );
  return (
    <Card title={t('capital.dossier.title')} data-testid="financing-dossier-owner">
      <Alert type="info" showIcon message={t('capital.dossier.ownerExplain')} style={{ marginBottom: 16 }} />
      {dossierId === null ? (
        editor
      ) : (
        <Tabs
          items={[
            { key: 'content', label: t('intake.dossier'), children: editor ?? <Alert type="warning" showIcon message={t('capital.dossier.closed')} /> },
            { key: 'access', label: t('intake.access'), children: <AccessTable dossierId={dossierId} /> },
            { key: 'views', label: t('intake.views'), children: <ViewLog dossierId={dossierId} /> },
          ]}
        />
      )}
    </Card>
  );
}

/** The investor's card: "查看保密资料" → the terms → ask for access → after the grant, the
 *  contents. Nothing shows when the request has no dossier (or it is closed to the investor). */
export function InvestorFinancingDossier({ request }: { request: FinancingRequest }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const status = useFinancingDossierStatus(request.id, request.has_dossier);
  if (!request.has_dossier || status.data === undefined) return null;
  if (!open && !status.data.can_view && status.data.access === null)
    return (
      <Card title={t('capital.dossier.title')} data-testid="financing-dossier">
        <Space>
          <Button kind="primary" data-testid="financing-dossier-open" onClick={() => setOpen(true)}>
            {t('capital.dossier.view')}
          </Button>
        </Space>
      </Card>
    );
  return <DossierViewerCard status={status.data} title={t('capital.dossier.title')} financing />;
}
