import { useMemo } from 'react';

import type { components } from '@/api/schema';
import { Chart, type ChartOption } from '@/components/charts';
import { useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';

import { type GraphShape, layout } from './graph';

type Figures = components['schemas']['NodeFigures'];

/** The chain drawn as a graph, upstream to downstream: the map's, coloured by its figures, or the
 *  chain editor's read-only preview of the version being edited (`figures` null: marks only). */
export function ChainGraph({ chain, figures, label, testId = 'chain-graph' }: { chain: GraphShape; figures: Figures[] | null; label: (key: string) => string; testId?: string }) {
  const t = useT();
  const byKey = useMemo(() => new Map((figures ?? []).map((f) => [f.node_key, f])), [figures]);
  const option: ChartOption = useMemo(() => {
    const placed = layout(chain, figures, label);
    return {
      tooltip: {
        formatter: (p: { dataType?: string; data?: { id?: string } }) => {
          const f = p.dataType === 'node' && p.data?.id !== undefined ? byKey.get(p.data.id) : undefined;
          if (f === undefined) return '';
          return [
            `<b>${label(f.node_key)}</b> · ${codeLabel(t, 'ChainStage', f.stage)}`,
            `${t('chains.demands')}: ${f.demands}`,
            `${t('chains.achievements')}: ${f.achievements}`,
            `${t('chains.deals')}: ${f.deals}`,
            `${t('chains.contractValue')}: ¥${f.contract_value}`,
            `${t('chains.unmet')}: ${f.unmet_demands}`,
            ...f.marks.map((m) => codeLabel(t, 'MarkKind', m)),
            ...f.gap.map((g) => t(`chainGap.${g}` as never)),
          ].join('<br/>');
        },
      },
      series: [
        {
          type: 'graph',
          layout: 'none',
          roam: true,
          symbolSize: 56,
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 8,
          label: { show: true, position: 'bottom', fontSize: 12 },
          data: placed.map((n) => ({ id: n.id, name: n.name, x: n.x, y: n.y, itemStyle: { color: n.colour } })),
          links: chain.edges.map((e) => ({ source: e.source, target: e.target })),
          lineStyle: { color: '#8c8c8c', width: 1.5, curveness: 0.1 },
        },
      ],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- label follows chain and locale
  }, [chain, figures, byKey, t]);
  return (
    <div data-testid={testId}>
      <Chart option={option} height={Math.max(360, 110 * Math.max(...countByStage(chain)))} />
    </div>
  );
}

function countByStage(chain: GraphShape): number[] {
  const counts = new Map<string, number>();
  for (const node of chain.nodes) counts.set(node.stage, (counts.get(node.stage) ?? 0) + 1);
  return [1, ...counts.values()];
}
