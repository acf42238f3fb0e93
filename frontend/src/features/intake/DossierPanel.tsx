import { useState } from 'react';
import { Link } from 'react-router';

import type { DossierStatus } from '@/api/types';
import { DownloadButton } from '@/components/files/DownloadButton';
import { Alert, Button, Card, Descriptions, Drawer, Input, Money, Space, Typography, useMessage, useShowError } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useAcceptTerms, useDossier, useDossierStatus, useDossierTerms, useRequestDossierAccess } from '@/hooks/queries/intake';
import { useT } from '@/i18n';

function TermsDialog({ status, open, onClose }: { status: DossierStatus; open: boolean; onClose: () => void }) {
  const t = useT();
  const terms = useDossierTerms(status.dossier_id, open);
  const accept = useAcceptTerms(status.dossier_id);
  const message = useMessage();
  const showError = useShowError();
  return (
    <Drawer
      open={open}
      placement="bottom"
      height="80%"
      title={t('intake.terms.title', { version: terms.data?.version ?? status.terms_version })}
      onClose={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            kind="primary"
            disabled={terms.data === undefined}
            loading={accept.isPending}
            data-testid="terms-accept"
            onClick={() =>
              terms.data !== undefined &&
              accept.mutate(terms.data.version, {
                onSuccess: () => {
                  void message.success(t('intake.terms.accepted'));
                  onClose();
                },
                onError: (e) => showError(e),
              })
            }
          >
            {t('intake.terms.accept')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="terms-text">
        {terms.data?.text ?? t('common.loading')}
      </Typography.Paragraph>
    </Drawer>
  );
}

function DossierContent({ dossierId }: { dossierId: number }) {
  const t = useT();
  const dossier = useDossier(dossierId);
  if (dossier.data === undefined) return null;
  const d = dossier.data;
  return (
    <>
      <Descriptions
        column={1}
        bordered
        size="small"
        items={[
          { key: 'details', label: t('intake.dossier.details'), children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="dossier-content">{d.details}</Typography.Paragraph> },
          { key: 'volumes', label: t('intake.dossier.volumes'), children: d.volumes || '—' },
          { key: 'budget', label: t('intake.dossier.budget'), children: d.budget === null ? '—' : <Money value={d.budget} /> },
        ]}
      />
      <Space wrap style={{ marginTop: 8 }}>
        {d.files.map((f) => (
          <DownloadButton key={f.id} kind="link" size="small" path={`/api/v1/dossiers/${d.id}/files/${f.id}`} filename={f.filename}>
            {f.filename}
          </DownloadButton>
        ))}
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('intake.dossier.logged')}
      </Typography.Paragraph>
    </>
  );
}

/** A demand's confidential dossier as the viewer may see it: ask for access, accept the
 *  owner's terms, then read it. Shows nothing (and asks nothing) when the demand has none. */
export function DossierPanel({ demandId, hasDossier }: { demandId: number; hasDossier: boolean }) {
  const session = useSession();
  const signedIn = session.status === 'authenticated';
  const status = useDossierStatus(demandId, signedIn && hasDossier);
  if (!signedIn || status.data === undefined) return null;
  return <DossierViewerCard status={status.data} />;
}

/** A dossier for a reader who is not its owner (a demand's, a financing request's or a
 *  challenge's): ask for access, accept the owner's terms once granted, then read it. A
 *  challenge's seated reviewer needs no grant: only the terms. */
export function DossierViewerCard({ status: s, title, financing = false, challenge = false }: { status: DossierStatus; title?: string; financing?: boolean; challenge?: boolean }) {
  const t = useT();
  const waiting = challenge ? t('challenges.dossier.waiting') : financing ? t('capital.dossier.waiting') : t('intake.dossier.waiting');
  const askExplain = challenge ? t('challenges.dossier.askExplain') : financing ? t('capital.dossier.askExplain') : t('intake.dossier.askExplain');
  const request = useRequestDossierAccess(s.dossier_id);
  const [message, setMessage] = useState('');
  const [reading, setReading] = useState(false);
  const toast = useMessage();
  const showError = useShowError();
  const body = (() => {
    if (s.owner) return <Link to={`/firm/dossiers/${s.dossier_id}`}>{t('intake.dossier.manage')}</Link>;
    if (s.can_view) return <DossierContent dossierId={s.dossier_id} />;
    if (s.access === 'granted' || s.reviewer)
      return (
        <Space direction="vertical">
          <Alert type="info" showIcon message={s.reviewer ? t('challenges.dossier.reviewerExplain', { version: s.terms_version }) : t('intake.dossier.acceptToRead', { version: s.terms_version })} />
          <Button kind="primary" onClick={() => setReading(true)} data-testid="terms-read">
            {t('intake.terms.read')}
          </Button>
        </Space>
      );
    if (s.access === 'requested') return <Alert type="info" showIcon message={waiting} />;
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        {s.access === 'revoked' || s.access === 'declined' ? <Alert type="warning" showIcon message={t(`intake.dossier.was.${s.access}`)} /> : null}
        <Typography.Paragraph>{askExplain}</Typography.Paragraph>
        <Input.TextArea rows={2} maxLength={500} value={message} onChange={(e) => setMessage(e.target.value)} placeholder={t('intake.dossier.askMessage')} aria-label={t('intake.dossier.askMessage')} />
        <Button
          kind="primary"
          loading={request.isPending}
          data-testid="dossier-request"
          onClick={() => request.mutate(message, { onSuccess: () => void toast.success(t('intake.dossier.asked')), onError: (e) => showError(e) })}
        >
          {t('intake.dossier.ask')}
        </Button>
      </Space>
    );
  })();
  return (
    <Card title={title ?? t('intake.dossier')} style={{ marginTop: 16 }} data-testid="dossier-panel">
      {body}
      <TermsDialog status={s} open={reading} onClose={() => setReading(false)} />
    </Card>
  );
}
