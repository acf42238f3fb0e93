import { useState } from 'react';

import type { Role } from '@/api/types';
import { Alert, Button, Card, Space, Tabs } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { DossierEditor } from '@/features/intake/DossierEditor';
import { AccessTable, ViewLog } from '@/features/intake/DossierPages';
import { DossierViewerCard } from '@/features/intake/DossierPanel';
import type { Challenge } from '@/hooks/queries/challenges';
import { useChallengeDossierStatus, useDossier, usePutChallengeDossier } from '@/hooks/queries/intake';
import { useT } from '@/i18n';

const ENDED: ReadonlySet<Challenge['status']> = new Set(['not_awarded', 'accepted', 'failed', 'terminated']);

/** The issuer's card: write the challenge's confidential part, attach files, grant / decline /
 *  revoke access and see every read. */
export function IssuerChallengeDossier({ c }: { c: Challenge }) {
  const t = useT();
  const status = useChallengeDossierStatus(c.id, c.has_dossier);
  const dossierId = c.has_dossier ? (status.data?.dossier_id ?? null) : null;
  const dossier = useDossier(dossierId, dossierId !== null);
  const put = usePutChallengeDossier(c.id);
  if ((c.has_dossier && status.isPending) || (dossierId !== null && dossier.isPending)) return <Card loading title={t('challenges.dossier.title')} style={{ marginTop: 16 }} />;
  const content = dossier.data ?? null;
  const editor = ENDED.has(c.status) ? null : (
    <DossierEditor
      key={content?.updated_at ?? 'new'}
      dossier={content}
      saving={put.isPending}
      onSave={(values, done, fail) => put.mutate(values, { onSuccess: done, onError: fail })}
      explain={false}
    />
  );
  return (
    <Card title={t('challenges.dossier.title')} style={{ marginTop: 16 }} data-testid="challenge-dossier-issuer">
      <Alert type="info" showIcon message={t('challenges.dossier.issuerExplain')} style={{ marginBottom: 16 }} />
      {dossierId === null ? (
        (editor ?? <Alert type="warning" showIcon message={t('challenges.dossier.ended')} />)
      ) : (
        <Tabs
          items={[
            { key: 'content', label: t('intake.dossier'), children: editor ?? <Alert type="warning" showIcon message={t('challenges.dossier.ended')} /> },
            { key: 'access', label: t('intake.access'), children: <AccessTable dossierId={dossierId} /> },
            { key: 'views', label: t('intake.views'), children: <ViewLog dossierId={dossierId} /> },
          ]}
        />
      )}
    </Card>
  );
}

/** An administrator overseeing a firm's challenge: who read the dossier (never its content). */
function OverseerChallengeDossier({ c }: { c: Challenge }) {
  const t = useT();
  const status = useChallengeDossierStatus(c.id, c.has_dossier);
  if (!c.has_dossier || status.data === undefined) return null;
  return (
    <Card title={t('challenges.dossier.title')} style={{ marginTop: 16 }} data-testid="challenge-dossier-oversight">
      <Alert type="info" showIcon message={t('challenges.dossier.oversight')} style={{ marginBottom: 16 }} />
      <ViewLog dossierId={status.data.dossier_id} />
    </Card>
  );
}

/** A would-be solver's (or a seated reviewer's) card: "申请查看保密资料" → ask → after the
 *  issuer's grant, the terms → the content. Nothing shows when the challenge has no dossier the
 *  caller may know of. */
export function SolverChallengeDossier({ c }: { c: Challenge }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const status = useChallengeDossierStatus(c.id, c.has_dossier);
  if (!c.has_dossier || status.data === undefined) return null;
  const s = status.data;
  if (!open && !s.can_view && !s.reviewer && s.access === null)
    return (
      <Card title={t('challenges.dossier.title')} style={{ marginTop: 16 }} data-testid="challenge-dossier">
        <Space>
          <Button kind="primary" data-testid="challenge-dossier-open" onClick={() => setOpen(true)}>
            {t('challenges.dossier.view')}
          </Button>
        </Space>
      </Card>
    );
  return <DossierViewerCard status={s} title={t('challenges.dossier.title')} challenge />;
}

/** The mount point on a challenge's pages: the issuer's editor and request queue, an
 *  administrator's view log, or the reader's card. */
export function ChallengeDossier({ c }: { c: Challenge }) {
  const session = useSession();
  const role: Role | null = session.status === 'authenticated' ? session.user.role : null;
  if (role === null) return null;
  if (c.is_issuer) return <IssuerChallengeDossier c={c} />;
  if (role === 'admin') return <OverseerChallengeDossier c={c} />;
  return <SolverChallengeDossier c={c} />;
}
