import { Link, useNavigate } from 'react-router';

import type { ListingKind, Match } from '@/api/types';
import { BudgetRange, Button, EmptyState, List, LoadError, Money, Space, Tag, Typography, useBelow } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useFieldName } from '@/features/listings/fields';
import { ModeTags } from '@/features/listings/labels';
import { useAchievementMatches, useDemandMatches, useMyMatchFeedback } from '@/hooks/queries/matches';
import { useT } from '@/i18n';

import { ClaimButton } from './ClaimButton';
import { FeedbackButtons } from './FeedbackButtons';
import { MatchReasons, MatchScore, WeakMatchesNote } from './MatchReasons';
import { matchStrength } from './matchStrength';

function MatchedListing({ match }: { match: Match }) {
  const t = useT();
  const fieldName = useFieldName();
  if (match.achievement) {
    const a = match.achievement;
    return (
      <Space direction="vertical" size={2}>
        <Link to={`/listings/achievements/${a.id}`}>{a.title}</Link>
        <Space size={[8, 4]} wrap>
          <Tag tone="info">{fieldName(a.field)}</Tag>
          <span>{a.party.name}</span>
          <span>{a.region}</span>
          <Tag>{t('trl.value', { level: a.trl })}</Tag>
          <ModeTags modes={a.modes} />
          <span>{a.price === null ? t('achievement.price.negotiable') : <Money value={a.price} rounded />}</span>
        </Space>
      </Space>
    );
  }
  if (match.demand) {
    const d = match.demand;
    return (
      <Space direction="vertical" size={2}>
        <Link to={`/listings/demands/${d.id}`}>{d.title}</Link>
        <Space size={[8, 4]} wrap>
          <Tag tone="info">{fieldName(d.field)}</Tag>
          <span>{d.party.organisation_id === null && d.party.anonymous ? t('common.anonymousFirm') : d.party.name}</span>
          <span>{d.region}</span>
          {d.min_trl === null ? null : <Tag>{t('listing.minTrl', { level: d.min_trl })}</Tag>}
          <ModeTags modes={d.modes} />
          <span>
            {t('demand.budget')}: <BudgetRange min={d.budget_min} max={d.budget_max} />
          </span>
        </Space>
      </Space>
    );
  }
  return <Typography.Text type="secondary">{t('match.hidden', { id: match.id })}</Typography.Text>;
}

/** A firm on a match of its own demand: ask a broker to introduce it to the achievement's owner
 *  (a help request, filled in with the pair). */
export function IntroduceButton({ demandId, achievementId }: { demandId: number; achievementId: number }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Button size="small" title={t('roles.introduce.hint')} data-testid="introduce-button" onClick={() => void navigate(`/firm/help?demand=${demandId}&achievement=${achievementId}`)}>
      {t('roles.introduce')}
    </Button>
  );
}

export interface MatchListProps {
  sourceKind: ListingKind;
  sourceId: number;
  /** Match only what also fits the source's TRL and budget (the default), or widen the net. */
  fit?: boolean;
  /** The source is the calling firm's own demand (its matches can be asked to be introduced). */
  ownDemand?: boolean;
  /** Why no pair of this listing can be claimed now (a withdrawn or closed listing). */
  closedReason?: string | null;
}

/** A listing's matches, best first, each with its reasons; a verified broker can claim a pair,
 *  a firm can ask a broker to introduce it to a match of its own demand. */
export function MatchList({ sourceKind, sourceId, fit = true, ownDemand = false, closedReason = null }: MatchListProps) {
  const t = useT();
  const session = useSession();
  const user = session.status === 'authenticated' ? session.user : null;
  const isBroker = user?.role === 'broker';
  const claimBlocked = closedReason ?? (user?.broker?.verification_status === 'verified' ? null : t('roles.claim.unverified'));
  const mayIntroduce = (match: Match): boolean => {
    if (user?.role !== 'firm') return false;
    if (sourceKind === 'demand') return ownDemand;
    const org = match.demand?.party.organisation_id;
    return org !== undefined && org !== null && org === user.organisation?.id;
  };
  const demandMatches = useDemandMatches(sourceKind === 'demand' ? sourceId : null, { fit, top_k: 20 });
  const achievementMatches = useAchievementMatches(sourceKind === 'achievement' ? sourceId : null, { fit, top_k: 20 });
  const matches = sourceKind === 'demand' ? demandMatches : achievementMatches;
  const feedback = useMyMatchFeedback(sourceKind, sourceId);
  // antd keeps a list item's actions at their full width even when they wrap (the English
  // buttons ran 150 px off a phone): there they go under the reasons instead.
  const narrow = useBelow('md');
  const verdicts = new Map((feedback.data ?? []).map((item) => [item.target_id, item]));

  const actions = (match: Match) => (
    <Space key="actions" wrap size={[4, 4]}>
      <FeedbackButtons sourceKind={sourceKind} sourceId={sourceId} targetId={match.id} given={verdicts.get(match.id)} />
      {isBroker ? (
        <ClaimButton
          demandId={sourceKind === 'demand' ? sourceId : match.id}
          achievementId={sourceKind === 'demand' ? match.id : sourceId}
          disabledReason={claimBlocked}
        />
      ) : null}
      {mayIntroduce(match) ? (
        <IntroduceButton demandId={sourceKind === 'demand' ? sourceId : match.id} achievementId={sourceKind === 'demand' ? match.id : sourceId} />
      ) : null}
    </Space>
  );
  if (matches.isError) return <LoadError error={matches.error} retry={() => void matches.refetch()} />;
  const items = matches.data?.items ?? [];
  const allWeak = items.length > 0 && items.every((item) => matchStrength(item.relevance) === 'weak');
  return (
    <>
    {allWeak ? <WeakMatchesNote perspective={sourceKind} /> : null}
    <List<Match>
      loading={matches.isPending}
      dataSource={items}
      locale={{
        emptyText: <EmptyState description={sourceKind === 'demand' ? t('match.empty.demand') : t('match.empty.achievement')} />,
      }}
      renderItem={(match, index) => (
        <List.Item
          data-testid="match-item"
          aria-label={t('match.itemLabel', { rank: index + 1 })}
          // One wrapping group: antd lays actions out in a row that never wraps.
          actions={narrow ? undefined : [actions(match)]}
        >
          <Space direction="vertical" size={4} style={{ width: '100%' }}>
            <Space>
              <Tag tone="info">#{index + 1}</Tag>
              <MatchScore relevance={match.relevance} />
            </Space>
            <MatchedListing match={match} />
            <MatchReasons reasons={match.reasons} perspective={sourceKind} />
            {narrow ? actions(match) : null}
          </Space>
        </List.Item>
      )}
    />
    </>
  );
}
