import type { Breakdown } from '@/api/types';
import { Descriptions, FigureTitle, Money, Table, type TableColumns, TWO_COLUMNS, Typography } from '@/components/ui';
import { useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';
import { ratePercent, trimZeros } from '@/lib/decimal';
import { formatYuan } from '@/lib/money';

type Line = Breakdown['lines'][number];

/** How a reward was computed: the base, each bracket (分段累计), the share, the caps, the amount. */
export function BreakdownTable({ breakdown }: { breakdown: Breakdown }) {
  const t = useT();
  const columns: TableColumns<Line & { key: number }> = [
    {
      key: 'range',
      title: t('breakdown.bracket'),
      render: (_, line) =>
        line.upper === null ? t('breakdown.above', { lower: formatYuan(line.lower) }) : t('breakdown.range', { lower: formatYuan(line.lower), upper: formatYuan(line.upper) }),
    },
    { key: 'rate', title: t('breakdown.rate'), align: 'right', render: (_, line) => ratePercent(line.rate) },
    { key: 'portion', title: t('breakdown.portion'), align: 'right', render: (_, line) => <Money value={line.portion} /> },
    { key: 'amount', title: t('breakdown.amount'), align: 'right', render: (_, line) => <Money value={line.amount} /> },
  ];
  return (
    <>
      <Descriptions
        size="small"
        bordered
        column={TWO_COLUMNS}
        style={{ marginBottom: 12 }}
        items={[
          { key: 'policy', label: t('breakdown.policy'), children: t('breakdown.policyVersion', { name: breakdown.policy_name ?? breakdown.policy_key, version: breakdown.policy_version }) },
          { key: 'base_kind', label: t('breakdown.baseKind'), children: t(`rewardBase.${breakdown.base_kind}`) },
          { key: 'contract', label: t('contract.amount'), children: <Money value={breakdown.contract_amount} /> },
          { key: 'tech', label: t('contract.technologyAmount'), children: <Money value={breakdown.technology_amount} /> },
          { key: 'received', label: t('payment.received'), children: <Money value={breakdown.received_amount} /> },
          { key: 'base', label: t('breakdown.base'), children: <Money value={breakdown.base} /> },
        ]}
      />
      <Table<Line & { key: number }>
        rowKey="key"
        size="small"
        pagination={false}
        columns={columns}
        dataSource={breakdown.lines.map((line, key) => ({ ...line, key }))}
        aria-label={t('breakdown.lines')}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={3}>
              {t('breakdown.dealReward')}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={3} align="right">
              <Money value={breakdown.deal_reward} />
            </Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
      <Descriptions
        size="small"
        column={1}
        style={{ marginTop: 12 }}
        items={[
          { key: 'share', label: t('breakdown.share', { share: trimZeros(breakdown.share) }), children: <Money value={breakdown.share_amount} /> },
          ...(breakdown.grade === null || breakdown.grade === undefined || breakdown.graded_amount === null || breakdown.graded_amount === undefined || trimZeros(breakdown.grade_percent ?? '100') === '100'
            ? []
            : [{ key: 'grade', label: t('breakdown.grade', { grade: codeLabel(t, 'BrokerLevel', breakdown.grade), percent: trimZeros(breakdown.grade_percent ?? '100') }), children: <Money value={breakdown.graded_amount} /> }]),
          ...breakdown.caps.map((cap, index) => ({
            key: `cap-${index}`,
            label: t(cap.kind === 'per_claim' ? 'breakdown.cap.per_claim' : 'breakdown.cap.per_broker_year', { limit: formatYuan(cap.limit) }),
            children: t('breakdown.cap.reduced', { amount: formatYuan(cap.reduced_by) }),
          })),
          ...(breakdown.awarded_this_year === null || breakdown.awarded_this_year === undefined
            ? []
            : [{ key: 'awarded', label: <FigureTitle title={t('breakdown.awardedThisYear')} help={t('breakdown.awardedThisYear.help')} />, children: <Money value={breakdown.awarded_this_year} testId="breakdown-awarded" /> }]),
          ...(breakdown.pending_this_year === null || breakdown.pending_this_year === undefined
            ? []
            : [{ key: 'pending', label: <FigureTitle title={t('breakdown.pendingThisYear')} help={t('breakdown.pendingThisYear.help')} />, children: <Money value={breakdown.pending_this_year} testId="breakdown-pending" /> }]),
          ...(breakdown.already_this_year === '0.00'
            ? []
            : [{ key: 'year', label: <FigureTitle title={t('breakdown.alreadyThisYear')} help={t('breakdown.alreadyThisYear.help')} />, children: <Money value={breakdown.already_this_year} /> }]),
          {
            key: 'amount',
            label: <Typography.Text strong>{t('breakdown.final')}</Typography.Text>,
            children: (
              <Typography.Text strong>
                <Money value={breakdown.amount} testId="claim-amount" />
              </Typography.Text>
            ),
          },
        ]}
      />
    </>
  );
}
