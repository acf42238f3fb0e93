import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';

import type { components } from '@/api/schema';
import { DownloadButton } from '@/components/files/DownloadButton';
import { Button, Card, EmptyState, Flex, List, Money, PageHeader, QueryState, Select, Space, Tag, Typography, useBelow } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useChain, useChainFigures, useChainGaps, useChains } from '@/hooks/queries/chains';
import { useLocale, useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';
import { todayIso } from '@/lib/dates';

import { ChainGraph } from './ChainGraph';
import { GAP_COLOUR, MARK_COLOUR, nodeColour, OK_COLOUR } from './graph';

type Chain = components['schemas']['ChainOut'];
type Figures = components['schemas']['NodeFigures'];
type Gap = components['schemas']['GapOut'];

/** The industry-chain map: the graph (a list of nodes on a phone), each node's figures, the gap list. */
export function ChainsPage() {
  const t = useT();
  const session = useSession();
  const signedIn = session.status === 'authenticated';
  const chains = useChains(signedIn);
  const [picked, setPicked] = useState<number>();
  const id = picked ?? chains.data?.[0]?.id;

  if (session.status === 'anonymous') {
    return (
      <>
        <PageHeader title={t('chains.title')} />
        <EmptyState description={t('login.subtitle')} action={<Link to="/login">{t('user.login')}</Link>} />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={t('chains.title')}
        extra={
          chains.data !== undefined && chains.data.length > 0 ? (
            <Select
              aria-label={t('chains.pick')}
              style={{ minWidth: 200 }}
              value={id}
              onChange={(value: number) => setPicked(value)}
              options={chains.data.map((c) => ({ value: c.id, label: c.name_zh }))}
            />
          ) : null
        }
      />
      <QueryState isPending={chains.isPending} error={chains.error} retry={() => void chains.refetch()}>
        {chains.data?.length === 0 ? <EmptyState description={t('chains.none')} /> : null}
        {id !== undefined ? <ChainView id={id} /> : null}
      </QueryState>
    </>
  );
}

function ChainView({ id }: { id: number }) {
  const chain = useChain(id);
  const figures = useChainFigures(id);
  const gaps = useChainGaps(id);
  const error = chain.error ?? figures.error ?? gaps.error;
  return (
    <QueryState isPending={chain.isPending || figures.isPending || gaps.isPending} error={error} retry={() => void chain.refetch()}>
      {chain.data !== undefined && figures.data !== undefined && gaps.data !== undefined ? (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <ChainMap chain={chain.data} figures={figures.data.nodes} period={`${figures.data.start} — ${figures.data.end}`} />
          <GapList chain={chain.data} gaps={gaps.data} />
          <QuarterlyReport chain={chain.data} />
        </Space>
      ) : null}
    </QueryState>
  );
}

function useNodeName() {
  const { locale } = useLocale();
  return (node: { name_zh: string; name_en: string }) => (locale === 'zh-CN' ? node.name_zh : node.name_en);
}

function ChainMap({ chain, figures, period }: { chain: Chain; figures: Figures[]; period: string }) {
  const t = useT();
  const narrow = useBelow('md');
  const name = useNodeName();
  const byKey = useMemo(() => new Map(figures.map((f) => [f.node_key, f])), [figures]);
  const nodes = useMemo(() => new Map(chain.nodes.map((n) => [n.key, n])), [chain]);
  const label = (key: string) => {
    const node = nodes.get(key);
    return node === undefined ? key : name(node);
  };
  return (
    <Card title={`${name(chain)} · ${t('chains.version', { n: chain.version })}`} extra={<Typography.Text type="secondary">{t('chains.period')}: {period}</Typography.Text>}>
      <Flex gap={12} wrap style={{ marginBottom: 8 }}>
        <Tag tone="danger">{t('chains.legend.gap')}</Tag>
        <Tag tone="warning">{t('chains.legend.bottleneck')}</Tag>
        <Tag tone="success">{t('chains.legend.ok')}</Tag>
      </Flex>
      {narrow ? (
        <List
          data-testid="chain-node-list"
          dataSource={chain.nodes}
          renderItem={(node) => {
            const f = byKey.get(node.key);
            return (
              <List.Item>
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Space wrap>
                    <span style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 5, background: nodeColour(f) }} />
                    <Typography.Text strong>{name(node)}</Typography.Text>
                    <Typography.Text type="secondary">{codeLabel(t, 'ChainStage', node.stage)}</Typography.Text>
                    {(node.marks ?? []).map((m) => (
                      <Tag key={m.kind} tone="warning">{codeLabel(t, 'MarkKind', m.kind)}</Tag>
                    ))}
                  </Space>
                  {f !== undefined ? <NodeFigures figures={f} /> : null}
                </Space>
              </List.Item>
            );
          }}
        />
      ) : (
        <ChainGraph chain={chain} figures={figures} label={label} />
      )}
    </Card>
  );
}

function NodeFigures({ figures }: { figures: Figures }) {
  const t = useT();
  return (
    <Flex gap={12} wrap>
      <span>{t('chains.demands')}: {figures.demands}</span>
      <span>{t('chains.achievements')}: {figures.achievements}</span>
      <span>{t('chains.deals')}: {figures.deals}</span>
      <span>
        {t('chains.contractValue')}: <Money value={figures.contract_value} />
      </span>
      <span>{t('chains.unmet')}: {figures.unmet_demands}</span>
      {figures.gap.map((g) => (
        <Tag key={g} tone="danger">{t(`chainGap.${g}` as never)}</Tag>
      ))}
    </Flex>
  );
}

export function GapList({ chain, gaps }: { chain: Chain; gaps: Gap[] }) {
  const t = useT();
  const name = useNodeName();
  const session = useSession();
  const role = session.status === 'authenticated' ? session.user.role : null;
  const mayIssue = role === 'firm' || role === 'admin';
  const navigate = useNavigate();
  return (
    <Card title={t('chains.gaps')} data-testid="chain-gaps">
      {gaps.length === 0 ? (
        <EmptyState compact description={t('chains.noGaps')} />
      ) : (
        <List
          dataSource={gaps}
          renderItem={(gap) => (
            <List.Item
              actions={
                mayIssue
                  ? [
                      <Button
                        key="challenge"
                        data-testid={`publish-challenge-${gap.node_key}`}
                        onClick={() => void navigate(`/challenges/new?chain=${chain.id}&node=${encodeURIComponent(gap.node_key)}`)}
                      >
                        {t('chains.publishChallenge')}
                      </Button>,
                    ]
                  : []
              }
            >
              <Space direction="vertical" size={2}>
                <Space wrap>
                  <Typography.Text strong>{name(gap)}</Typography.Text>
                  <Tag tone="danger">
                    {t('chains.unmet')}: {gap.unmet_demands}
                  </Tag>
                  {gap.marks.map((m) => (
                    <Tag key={m} tone="warning">{codeLabel(t, 'MarkKind', m)}</Tag>
                  ))}
                </Space>
                {gap.best_achievements.length > 0 ? (
                  <Typography.Text type="secondary">
                    {t('chains.bestAchievements')}:{' '}
                    {gap.best_achievements.map((a, i) => (
                      <span key={a.id}>
                        {i > 0 ? '；' : ''}
                        <Link to={`/listings/achievements/${a.id}`}>{a.title}</Link>（{a.region}）
                      </span>
                    ))}
                  </Typography.Text>
                ) : null}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** The bureau's quarterly report, as XLSX or PDF, for a chosen year and quarter (administrators). */
function QuarterlyReport({ chain }: { chain: Chain }) {
  const t = useT();
  const session = useSession();
  const [thisYear, thisMonth] = todayIso().split('-').map(Number) as [number, number]; // Beijing time
  const [year, setYear] = useState(thisYear);
  const [quarter, setQuarter] = useState(Math.floor((thisMonth - 1) / 3) + 1);
  if (session.status !== 'authenticated' || session.user.role !== 'admin') return null;
  const years = Array.from({ length: 5 }, (_, i) => thisYear - i);
  const query = `year=${year}&quarter=${quarter}`;
  const base = `techbroker-chain-${chain.code}-${year}Q${quarter}`;
  return (
    <Card title={t('chains.report')} data-testid="chain-report" extra={<Link to={`/admin/chains/${chain.id}`}>{t('chains.edit')}</Link>}>
      <Flex gap={8} wrap align="center">
        <Select aria-label={t('chains.year')} style={{ width: 110 }} value={year} onChange={(v: number) => setYear(v)} options={years.map((y) => ({ value: y, label: t('chains.yearN', { n: y }) }))} />
        <Select
          aria-label={t('chains.quarter')}
          style={{ width: 130 }}
          value={quarter}
          onChange={(v: number) => setQuarter(v)}
          options={[1, 2, 3, 4].map((q) => ({ value: q, label: t('chains.quarterN', { n: q }) }))}
        />
        <DownloadButton path={`/api/v1/chains/${chain.id}/report?${query}`} filename={`${base}.xlsx`} data-testid="report-xlsx">
          {t('chains.reportXlsx')}
        </DownloadButton>
        <DownloadButton path={`/api/v1/chains/${chain.id}/report.pdf?${query}`} filename={`${base}.pdf`} data-testid="report-pdf">
          {t('chains.reportPdf')}
        </DownloadButton>
      </Flex>
    </Card>
  );
}

export { GAP_COLOUR, MARK_COLOUR, OK_COLOUR };
