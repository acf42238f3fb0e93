import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';

import { Button, Card, EmptyState, PageHeader, QueryState, Select } from '@/components/ui';
import { ListingChainsCard } from '@/features/chains/ListingChainsCard';
import { AchievementDetails, DemandDetails } from '@/features/listings/ListingDetailPages';
import { useAchievement, useAchievements, useDemand, useDemands } from '@/hooks/queries/listings';
import { useT } from '@/i18n';
import { PocBadge, PocRequestCard } from '@/features/experts/PocPages';

import { FitSwitch } from './FitSwitch';
import { MatchList } from './MatchList';
import { FindBrokerLink } from './PublicListingPages';

/** A firm's own demand: its details, and the achievements that could meet it, with reasons. */
export function OwnDemandPage() {
  const t = useT();
  const navigate = useNavigate();
  const id = Number(useParams().demandId);
  const demand = useDemand(id);
  const [fit, setFit] = useState(true);
  return (
    <QueryState isPending={demand.isPending} error={demand.error} retry={() => void demand.refetch()}>
      {demand.data === undefined ? null : (
        <>
          <PageHeader
            title={demand.data.title}
            subtitle={t('nav.firm.demands')}
            extra={
              <>
                <Button onClick={() => void navigate('/firm/demands')}>{t('common.back')}</Button>
                <Button onClick={() => void navigate(`/firm/demands/${id}/edit`)}>{t('common.edit')}</Button>
              </>
            }
          />
          <Card>
            <DemandDetails demand={demand.data} />
          </Card>
          <ListingChainsCard kind="demand" listingId={id} />
          <Card title={t('match.forDemand')} extra={<FitSwitch fit={fit} onChange={setFit} />} style={{ marginTop: 16 }}>
            {demand.data.status === 'draft' ? (
              <EmptyState description={t('match.draftHint')} />
            ) : (
              <>
                <div style={{ marginBottom: 12 }}>
                  <FindBrokerLink field={demand.data.field} />
                </div>
                <MatchList sourceKind="demand" sourceId={id} fit={fit} ownDemand />
              </>
            )}
          </Card>
        </>
      )}
    </QueryState>
  );
}

/** An institute's own achievement: its details, and the demands it could meet. */
export function OwnAchievementPage() {
  const t = useT();
  const navigate = useNavigate();
  const id = Number(useParams().achievementId);
  const achievement = useAchievement(id);
  const [fit, setFit] = useState(true);
  return (
    <QueryState isPending={achievement.isPending} error={achievement.error} retry={() => void achievement.refetch()}>
      {achievement.data === undefined ? null : (
        <>
          <PageHeader
            title={achievement.data.title}
            subtitle={t('nav.institute.achievements')}
            extra={
              <>
                <Button onClick={() => void navigate('/institute/achievements')}>{t('common.back')}</Button>
                <Button onClick={() => void navigate(`/institute/achievements/${id}/edit`)}>{t('common.edit')}</Button>
              </>
            }
          />
          <PocBadge achievement={achievement.data} />
          <Card>
            <AchievementDetails achievement={achievement.data} />
          </Card>
          <PocRequestCard achievement={achievement.data} />
          <ListingChainsCard kind="achievement" listingId={id} />
          <Card title={t('match.forAchievement')} extra={<FitSwitch fit={fit} onChange={setFit} />} style={{ marginTop: 16 }}>
            {achievement.data.status === 'draft' ? (
              <EmptyState description={t('match.draftHint')} />
            ) : (
              <>
                <div style={{ marginBottom: 12 }}>
                  <FindBrokerLink field={achievement.data.field} />
                </div>
                <MatchList sourceKind="achievement" sourceId={id} fit={fit} />
              </>
            )}
          </Card>
        </>
      )}
    </QueryState>
  );
}

/** Pick one of my published listings and see its matches (the section's "matches" page). */
function useSelectedId(): [number | null, (id: number) => void] {
  const [params, setParams] = useSearchParams();
  const id = Number(params.get('id'));
  return [Number.isInteger(id) && id > 0 ? id : null, (next) => setParams({ id: String(next) })];
}

export function FirmMatchesPage() {
  const t = useT();
  const navigate = useNavigate();
  const demands = useDemands({ mine: true, status: ['published', 'in_negotiation'], page_size: 100 });
  const [selected, select] = useSelectedId();
  const chosen = selected ?? demands.data?.items[0]?.id ?? null;
  return (
    <>
      <PageHeader title={t('nav.firm.matches')} subtitle={t('match.firm.subtitle')} />
      <Card>
        <QueryState isPending={demands.isPending} error={demands.error} retry={() => void demands.refetch()}>
          {demands.data?.items.length === 0 ? (
            <EmptyState
              description={t('match.firm.noDemands')}
              action={
                <Button kind="primary" onClick={() => void navigate('/firm/demands/new')}>
                  {t('demand.new')}
                </Button>
              }
            />
          ) : (
            <>
              <Select<number>
                aria-label={t('match.chooseDemand')}
                style={{ width: '100%', maxWidth: 560, marginBottom: 16 }}
                value={chosen ?? undefined}
                onChange={select}
                options={(demands.data?.items ?? []).map((d) => ({ value: d.id, label: d.title }))}
              />
              {chosen === null ? null : <MatchList sourceKind="demand" sourceId={chosen} ownDemand />}
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}

export function InstituteMatchesPage() {
  const t = useT();
  const navigate = useNavigate();
  const achievements = useAchievements({ mine: true, status: ['published'], page_size: 100 });
  const [selected, select] = useSelectedId();
  const chosen = selected ?? achievements.data?.items[0]?.id ?? null;
  return (
    <>
      <PageHeader title={t('nav.institute.matches')} subtitle={t('match.institute.subtitle')} />
      <Card>
        <QueryState isPending={achievements.isPending} error={achievements.error} retry={() => void achievements.refetch()}>
          {achievements.data?.items.length === 0 ? (
            <EmptyState
              description={t('match.institute.noAchievements')}
              action={
                <Button kind="primary" onClick={() => void navigate('/institute/achievements/new')}>
                  {t('achievement.new')}
                </Button>
              }
            />
          ) : (
            <>
              <Select<number>
                aria-label={t('match.chooseAchievement')}
                style={{ width: '100%', maxWidth: 560, marginBottom: 16 }}
                value={chosen ?? undefined}
                onChange={select}
                options={(achievements.data?.items ?? []).map((a) => ({ value: a.id, label: a.title }))}
              />
              {chosen === null ? null : <MatchList sourceKind="achievement" sourceId={chosen} />}
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}
