import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import type { FieldRef } from '@/api/types';
import { Button, Card, PageHeader, QueryState, Space, Typography } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { ListingChainsCard } from '@/features/chains/ListingChainsCard';
import { DossierPanel } from '@/features/intake/DossierPanel';
import { AchievementDetails, DemandDetails } from '@/features/listings/ListingDetailPages';
import { useAchievement, useDemand } from '@/hooks/queries/listings';
import { useT } from '@/i18n';
import { PocBadge } from '@/features/experts/PocPages';

import { FitSwitch } from './FitSwitch';
import { MatchList } from './MatchList';

function usePathId(name: string): number {
  const params = useParams();
  return Number(params[name]);
}

/** The broker directory, narrowed to a listing's field. */
export function FindBrokerLink({ field }: { field: Pick<FieldRef, 'code'> }) {
  const t = useT();
  return (
    <Space size={4} wrap>
      <Link to={`/brokers?field=${encodeURIComponent(field.code)}`} data-testid="find-broker">
        {t('roles.matches.findBroker')}
      </Link>
      <Typography.Text type="secondary">{t('roles.matches.findBrokerHint')}</Typography.Text>
    </Space>
  );
}

interface MatchesCardProps {
  kind: 'demand' | 'achievement';
  id: number;
  field: Pick<FieldRef, 'code'>;
  /** Listed (published, or a demand in negotiation): it has matches; pairs with it can be claimed. */
  open: boolean;
  ownDemand?: boolean;
}

/** Any listing the caller may see, with its matches: a verified broker claims a pair from here,
 *  a firm asks a broker to introduce it; everyone but a broker gets a link to the directory. */
export function ListingMatchesCard({ kind, id, field, open, ownDemand = false }: MatchesCardProps) {
  const t = useT();
  const session = useSession();
  const [fit, setFit] = useState(true);
  if (session.status !== 'authenticated' || !open) return null;
  const role = session.user.role;
  return (
    <Card
      title={kind === 'demand' ? t('match.forDemand') : t('match.forAchievement')}
      extra={<FitSwitch fit={fit} onChange={setFit} />}
      style={{ marginTop: 16 }}
      data-testid="listing-matches"
    >
      {role === 'firm' || role === 'institute' ? (
        <div style={{ marginBottom: 12 }}>
          <FindBrokerLink field={field} />
        </div>
      ) : null}
      <MatchList sourceKind={kind} sourceId={id} fit={fit} ownDemand={ownDemand} />
    </Card>
  );
}

export function DemandPage() {
  const t = useT();
  const navigate = useNavigate();
  const session = useSession();
  const demand = useDemand(usePathId('demandId'));
  const orgId = session.status === 'authenticated' ? session.user.organisation?.id : undefined;
  return (
    <QueryState isPending={demand.isPending} error={demand.error} retry={() => void demand.refetch()}>
      {demand.data === undefined ? null : (
        <>
          <PageHeader
            title={demand.data.title}
            subtitle={t('listings.tab.demands')}
            extra={<Button onClick={() => void navigate(-1)}>{t('common.back')}</Button>}
          />
          <Card>
            <DemandDetails demand={demand.data} />
          </Card>
          <DossierPanel demandId={demand.data.id} hasDossier={demand.data.has_dossier ?? false} />
          <ListingChainsCard kind="demand" listingId={demand.data.id} />
          <ListingMatchesCard
            kind="demand"
            id={demand.data.id}
            field={demand.data.field}
            open={demand.data.status === 'published' || demand.data.status === 'in_negotiation'}
            ownDemand={orgId !== undefined && demand.data.party.organisation_id === orgId}
          />
        </>
      )}
    </QueryState>
  );
}

export function AchievementPage() {
  const t = useT();
  const navigate = useNavigate();
  const achievement = useAchievement(usePathId('achievementId'));
  return (
    <QueryState isPending={achievement.isPending} error={achievement.error} retry={() => void achievement.refetch()}>
      {achievement.data === undefined ? null : (
        <>
          <PageHeader
            title={achievement.data.title}
            subtitle={t('listings.tab.achievements')}
            extra={<Button onClick={() => void navigate(-1)}>{t('common.back')}</Button>}
          />
          <PocBadge achievement={achievement.data} />
          <Card>
            <AchievementDetails achievement={achievement.data} />
          </Card>
          <ListingChainsCard kind="achievement" listingId={achievement.data.id} />
          <ListingMatchesCard kind="achievement" id={achievement.data.id} field={achievement.data.field} open={achievement.data.status === 'published'} />
        </>
      )}
    </QueryState>
  );
}
