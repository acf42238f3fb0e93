import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';

import type { ClaimSide, ClaimSummary, DealSummary } from '@/api/types';
import {
  ActionButton,
  Alert,
  Button,
  Card,
  Descriptions,
  EmptyState,
  Flex,
  icons,
  LoadError,
  Money,
  PageHeader,
  QueryState,
  Radio,
  Select,
  Spin,
  Table,
  type TableColumns,
  Typography,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useDeal, useDeals } from '@/hooks/queries/deals';
import { useClaim, useClaims, useRewardPreview, useSubmitClaim } from '@/hooks/queries/rewards';
import { useT } from '@/i18n';
import { formatDate, formatDateTime } from '@/lib/dates';

import { BreakdownTable } from './BreakdownTable';
import { ClaimStatusTag } from './labels';

/** A broker's reward claims (奖补申报), newest first. */
export function MyClaimsPage() {
  const t = useT();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const claims = useClaims({ page, page_size: 20 });
  const columns: TableColumns<ClaimSummary> = [
    { key: 'id', title: t('claim.number'), width: 90, render: (_, c) => <Link to={`/broker/claims/${c.id}`}>#{c.id}</Link> },
    { key: 'contract', title: t('contract.name'), render: (_, c) => c.contract_name },
    { key: 'no', title: t('contract.registrationNo'), render: (_, c) => c.registration_no ?? '—' },
    { key: 'status', title: t('common.status'), render: (_, c) => <ClaimStatusTag status={c.status} /> },
    { key: 'share', title: t('claim.share'), align: 'right', render: (_, c) => `${c.share_percent}%` },
    { key: 'amount', title: t('claim.amount'), align: 'right', render: (_, c) => <Money value={c.amount} /> },
    { key: 'submitted', title: t('claim.submittedAt'), render: (_, c) => formatDateTime(c.submitted_at) },
  ];
  return (
    <>
      <PageHeader
        title={t('nav.broker.claims')}
        subtitle={t('claim.mine.subtitle')}
        extra={
          <Button kind="primary" icon={<icons.PlusOutlined />} onClick={() => void navigate('/broker/claims/new')} data-testid="new-claim">
            {t('claim.start')}
          </Button>
        }
      />
      <Card>
        {claims.isError ? (
          <LoadError error={claims.error} retry={() => void claims.refetch()} />
        ) : (
          <Table<ClaimSummary>
            rowKey="id"
            columns={columns}
            dataSource={claims.data?.items}
            loading={claims.isPending}
            pagination={{ current: page, total: claims.data?.total ?? 0, onChange: setPage }}
            locale={{
              emptyText: (
                <EmptyState
                  description={t('claim.mine.empty')}
                  action={
                    <Button kind="primary" onClick={() => void navigate('/broker/claims/new')}>
                      {t('claim.start')}
                    </Button>
                  }
                />
              ),
            }}
          />
        )}
      </Card>
    </>
  );
}

const CLAIMABLE_STAGES: DealSummary['stage'][] = ['registered', 'paid', 'closed'];

/** The server's calculation for the chosen deal, before the claim is made. */
function ClaimPreview({ dealId }: { dealId: number }) {
  const t = useT();
  const session = useSession();
  const deal = useDeal(dealId);
  const me = session.status === 'authenticated' ? session.user.id : null;
  const contract = deal.data?.contract ?? null;
  const myShare = deal.data?.brokers.find((broker) => broker.broker_id === me)?.share ?? '100';
  const preview = useRewardPreview(
    contract === null
      ? null
      : {
          signed_on: contract.signed_on,
          region: deal.data?.demand.region ?? null,
          contract_amount: contract.amount,
          technology_amount: contract.technology_amount,
          received_amount: contract.received_amount,
          share: myShare,
        },
  );
  if (deal.isPending) return <Spin />;
  if (deal.isError) return <LoadError error={deal.error} retry={() => void deal.refetch()} />;
  if (contract === null) return <Alert type="warning" showIcon message={t('claim.noContract')} />;
  return (
    <>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 3 }}
        items={[
          { key: 'contract', label: t('contract.name'), children: contract.name },
          { key: 'no', label: t('contract.registrationNo'), children: contract.registration_no ?? t('contract.notRegistered') },
          { key: 'signed', label: t('contract.signedOn'), children: formatDate(contract.signed_on) },
        ]}
      />
      <Typography.Title level={5}>{t('claim.preview')}</Typography.Title>
      {preview.isPending ? <Spin /> : preview.isError ? <LoadError error={preview.error} /> : <BreakdownTable breakdown={preview.data} />}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('claim.preview.note')}
      </Typography.Paragraph>
    </>
  );
}

/** Choose a registered deal, see what it would earn, and claim. */
export function SubmitClaimPage() {
  const t = useT();
  const navigate = useNavigate();
  const message = useMessage();
  const showError = useShowError();
  const [params, setParams] = useSearchParams();
  const deals = useDeals({ stage: CLAIMABLE_STAGES, page_size: 100 });
  const dealId = Number(params.get('deal')) || null;
  const [side, setSide] = useState<ClaimSide | 'whole'>('whole');
  const submit = useSubmitClaim();
  const registry = useDeal(dealId).data?.contract?.registry_status;
  // A mismatch or a cancelled registration never passes; an unchecked one passes only under a
  // policy with a grace period (the server decides), so it is said, not blocked.
  const registryBlocks = registry === 'mismatch' || registry === 'cancelled';

  return (
    <>
      <PageHeader title={t('claim.start')} subtitle={t('claim.start.subtitle')} />
      <Card>
        <QueryState isPending={deals.isPending} error={deals.error} retry={() => void deals.refetch()}>
          {deals.data?.items.length === 0 ? (
            <EmptyState
              description={t('claim.noDeals')}
              action={
                <Button kind="primary" onClick={() => void navigate('/broker/deals')}>
                  {t('nav.broker.deals')}
                </Button>
              }
            />
          ) : (
            <Flex vertical gap={16}>
              <Select<number>
                aria-label={t('claim.chooseDeal')}
                placeholder={t('claim.chooseDeal')}
                style={{ maxWidth: 640 }}
                value={dealId ?? undefined}
                onChange={(id) => setParams({ deal: String(id) })}
                options={(deals.data?.items ?? []).map((deal) => ({
                  value: deal.id,
                  label: `#${deal.id} ${deal.demand_title} ⇄ ${deal.achievement_title} (${t(`stage.${deal.stage}`)})`,
                }))}
              />
              {dealId === null ? null : (
                <>
                  <ClaimPreview dealId={dealId} />
                  <div>
                    <Typography.Text>{t('claim.side')}</Typography.Text>
                    <Radio.Group
                      value={side}
                      onChange={(event) => setSide(event.target.value as ClaimSide | 'whole')}
                      options={[
                        { value: 'whole', label: t('claim.side.whole') },
                        { value: 'buyer', label: t('claim.side.buyer') },
                        { value: 'seller', label: t('claim.side.seller') },
                      ]}
                      style={{ display: 'block', marginTop: 8 }}
                    />
                  </div>
                  {registry === undefined || registry === 'verified' ? null : (
                    <Alert
                      type={registryBlocks ? 'error' : 'warning'}
                      showIcon
                      data-testid="claim-registry"
                      message={t(`registry.status.${registry}`)}
                      description={t(registryBlocks ? 'claim.registry.blocks' : 'claim.registry.pending')}
                    />
                  )}
                  <Alert type="info" showIcon message={t('claim.declaration')} />
                  <div>
                    <ActionButton
                      kind="primary"
                      disabledReason={registryBlocks ? t(`registry.status.${registry}`) : null}
                      loading={submit.isPending}
                      data-testid="claim-submit"
                      confirm={{ title: t('claim.submit.confirm'), description: t('claim.submit.confirmDetail'), okText: t('claim.submit'), testId: 'claim-submit-confirm' }}
                      onClick={() =>
                        submit.mutate(
                          { deal_id: dealId, side: side === 'whole' ? null : side },
                          {
                            onSuccess: ({ claim, created }) => {
                              void message.success(created ? t('claim.submitted') : t('claim.alreadySubmitted'));
                              void navigate(`/broker/claims/${claim.id}`);
                            },
                            onError: (error) => showError(error),
                          },
                        )
                      }
                    >
                      {t('claim.submit')}
                    </ActionButton>
                  </div>
                </>
              )}
            </Flex>
          )}
        </QueryState>
      </Card>
    </>
  );
}

/** One of the broker's claims: where it stands and how the amount was computed. */
export function BrokerClaimPage() {
  const t = useT();
  const navigate = useNavigate();
  const id = Number(useParams().claimId);
  const claim = useClaim(id);
  return (
    <QueryState isPending={claim.isPending} error={claim.error} retry={() => void claim.refetch()}>
      {claim.data === undefined ? null : (
        <>
          <PageHeader
            title={t('claim.title', { id: claim.data.id })}
            subtitle={claim.data.contract_name}
            extra={<Button onClick={() => void navigate('/broker/claims')}>{t('common.back')}</Button>}
          />
          <Flex vertical gap={16}>
            <Card>
              <Descriptions
                size="small"
                column={{ xs: 1, md: 3 }}
                items={[
                  { key: 'status', label: t('common.status'), children: <ClaimStatusTag status={claim.data.status} /> },
                  { key: 'deal', label: t('deal.numberShort'), children: <Link to={`/broker/deals/${claim.data.deal_id}`}>#{claim.data.deal_id}</Link> },
                  { key: 'submitted', label: t('claim.submittedAt'), children: formatDateTime(claim.data.submitted_at) },
                  { key: 'approved', label: t('claim.approvedAt'), children: formatDateTime(claim.data.approved_at) },
                  { key: 'paid', label: t('claim.paidAt'), children: formatDateTime(claim.data.paid_at) },
                  { key: 'reference', label: t('claim.paymentReference'), children: claim.data.payment_reference ?? '—' },
                ]}
              />
              {claim.data.rejection_reason === null ? null : <Alert type="error" showIcon message={t('claim.rejectedBecause', { reason: claim.data.rejection_reason })} style={{ marginTop: 12 }} />}
              {claim.data.claw_back === null ? null : (
                <Alert type="error" showIcon message={t('claim.clawedBack', { amount: claim.data.claw_back.to_recover, reason: claim.data.claw_back.reason })} style={{ marginTop: 12 }} />
              )}
            </Card>
            <Card title={t('breakdown.title')}>
              <BreakdownTable breakdown={claim.data.breakdown} />
            </Card>
          </Flex>
        </>
      )}
    </QueryState>
  );
}
