import type { components } from '@/api/schema';

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

/** What a graph is drawn from: a saved chain, or the version being edited. */
export interface GraphShape {
  nodes: { key: string; stage: (typeof STAGES)[number]; marks?: unknown[] }[];
  edges: { source: string; target: string }[];
}

/** Nodes laid out left to right by stage (upstream to downstream), top to bottom in order.
 *  Without figures (a version being edited), a node with marks is amber, else green. */
export function layout(chain: GraphShape, figures: Figures[] | null, label: (key: string) => string): GraphNode[] {
  if (figures === null) {
    return layout(chain, [], label).map((node, i) => ((chain.nodes[i]?.marks ?? []).length > 0 ? { ...node, colour: MARK_COLOUR } : node));
  }
  const byKey = new Map(figures.map((f) => [f.node_key, f]));
  const rows = new Map<string, number>();
  return chain.nodes.map((node) => {
    const column = STAGES.indexOf(node.stage);
    const row = rows.get(node.stage) ?? 0;
    rows.set(node.stage, row + 1);
    return { id: node.key, name: label(node.key), x: column * 220, y: row * 90, colour: nodeColour(byKey.get(node.key)) };
  });
}
