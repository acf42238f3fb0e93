import type { components } from '@/api/schema';

type Chain = components['schemas']['ChainOut'];
type Figures = components['schemas']['NodeFigures'];

export const STAGES = ['materials', 'components', 'equipment', 'products', 'services'] as const;

export const GAP_COLOUR = '#cf1322';
export const MARK_COLOUR = '#d48806';
export const OK_COLOUR = '#389e0d';

/** A node's colour: red where the figures show a gap, amber where only a mark, else green. */
export function nodeColour(figures: Figures | undefined): string {
  if (figures !== undefined && figures.gap.length > 0) return GAP_COLOUR;
  if (figures !== undefined && figures.marks.length > 0) return MARK_COLOUR;
  return OK_COLOUR;
}

export interface GraphNode {
  id: string;
  name: string;
  x: number;
  y: number;
  colour: string;
}

/** Nodes laid out left to right by stage (upstream to downstream), top to bottom in order. */
export function layout(chain: Chain, figures: Figures[], label: (key: string) => string): GraphNode[] {
  const byKey = new Map(figures.map((f) => [f.node_key, f]));
  const rows = new Map<string, number>();
  return chain.nodes.map((node) => {
    const column = STAGES.indexOf(node.stage);
    const row = rows.get(node.stage) ?? 0;
    rows.set(node.stage, row + 1);
    return { id: node.key, name: label(node.key), x: column * 220, y: row * 90, colour: nodeColour(byKey.get(node.key)) };
  });
}
