import { useState } from 'react';
import { Link } from 'react-router';

import type { components } from '@/api/schema';
import { Button, Card, EmptyState, Flex, List, Popconfirm, QueryState, Select, Space, Tag, Typography, useMessage, useShowError } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useChain, useChains, useListingPlacements, usePlaceListing, useRemovePlacement } from '@/hooks/queries/chains';
import { useLocale, useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';

type ListingKind = components['schemas']['ListingKind'];

function useName() {
  const { locale } = useLocale();
  return (zh: string, en: string) => (locale === 'zh-CN' ? zh : en);
}

/**
 * On a demand's or an achievement's page: the industry-chain nodes it sits on (placed
 * automatically or by hand); administrators and the listing's own organisation place it on
 * a node by hand (chain, then node by name) and remove a manual placement.
 */
export function ListingChainsCard({ kind, listingId }: { kind: ListingKind; listingId: number }) {
  const t = useT();
  const session = useSession();
  const signedIn = session.status === 'authenticated';
  const placements = useListingPlacements(kind, listingId, signedIn);
  const name = useName();
  const remove = useRemovePlacement();
  const message = useMessage();
  const showError = useShowError();
  if (!signedIn) return null;
  const data = placements.data;
  if (data?.placements.length === 0 && !data.may_place) return null;
  return (
    <Card title={t('chainPlacement.title')} style={{ marginTop: 16 }} data-testid="listing-chains">
      <QueryState isPending={placements.isPending} error={placements.error} retry={() => void placements.refetch()}>
        {data !== undefined ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            {data.placements.length === 0 ? (
              <EmptyState compact description={t('chainPlacement.none')} />
            ) : (
              <List
                size="small"
                dataSource={data.placements}
                renderItem={(p) => (
                  <List.Item
                    actions={
                      data.may_place && p.source === 'manual'
                        ? [
                            <Popconfirm
                              key="remove"
                              title={t('chainPlacement.removeConfirm')}
                              okText={t('chainPlacement.remove')}
                              cancelText={t('common.cancel')}
                              onConfirm={() =>
                                remove.mutate(
                                  { chainId: p.chain_id, placementId: p.id },
                                  { onSuccess: () => void message.success(t('chainPlacement.removed')), onError: (e) => showError(e) },
                                )
                              }
                            >
                              <Button kind="link" danger>
                                {t('chainPlacement.remove')}
                              </Button>
                            </Popconfirm>,
                          ]
                        : []
                    }
                  >
                    <Space wrap>
                      <Link to="/chains">{name(p.chain_name_zh, p.chain_name_en)}</Link>
                      <span>›</span>
                      <Typography.Text strong>{name(p.node_name_zh, p.node_name_en)}</Typography.Text>
                      <Tag tone={p.source === 'manual' ? 'info' : 'neutral'}>{codeLabel(t, 'PlacementSource', p.source)}</Tag>
                    </Space>
                  </List.Item>
                )}
              />
            )}
            {data.may_place ? <PlaceForm kind={kind} listingId={listingId} /> : null}
          </Space>
        ) : null}
      </QueryState>
    </Card>
  );
}

function PlaceForm({ kind, listingId }: { kind: ListingKind; listingId: number }) {
  const t = useT();
  const name = useName();
  const chains = useChains(true);
  const [chainId, setChainId] = useState<number>();
  const [nodeKey, setNodeKey] = useState<string>();
  const chain = useChain(chainId);
  const place = usePlaceListing();
  const message = useMessage();
  const showError = useShowError();
  return (
    <Flex gap={8} wrap align="center">
      <Select
        aria-label={t('chainPlacement.chain')}
        placeholder={t('chainPlacement.chain')}
        style={{ minWidth: 180, flex: '1 1 180px' }}
        value={chainId}
        loading={chains.isPending}
        onChange={(value: number) => {
          setChainId(value);
          setNodeKey(undefined);
        }}
        options={(chains.data ?? []).map((c) => ({ value: c.id, label: name(c.name_zh, c.name_en) }))}
        data-testid="place-chain"
      />
      <Select
        aria-label={t('chainPlacement.node')}
        placeholder={t('chainPlacement.node')}
        style={{ minWidth: 180, flex: '1 1 180px' }}
        value={nodeKey}
        disabled={chainId === undefined}
        loading={chainId !== undefined && chain.isPending}
        showSearch
        optionFilterProp="label"
        onChange={(value: string) => setNodeKey(value)}
        options={(chain.data?.nodes ?? []).map((n) => ({ value: n.key, label: `${name(n.name_zh, n.name_en)} · ${codeLabel(t, 'ChainStage', n.stage)}` }))}
        data-testid="place-node"
      />
      <Button
        kind="primary"
        disabled={chainId === undefined || nodeKey === undefined}
        loading={place.isPending}
        data-testid="place-submit"
        onClick={() => {
          if (chainId === undefined || nodeKey === undefined) return;
          place.mutate(
            { chainId, node_key: nodeKey, listing_kind: kind, listing_id: listingId },
            {
              onSuccess: () => {
                void message.success(t('chainPlacement.placed'));
                setNodeKey(undefined);
              },
              onError: (e) => showError(e),
            },
          );
        }}
      >
        {t('chainPlacement.place')}
      </Button>
    </Flex>
  );
}
