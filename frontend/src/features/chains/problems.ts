import { ApiError } from '@/api/problem';
import { localiseServerText } from '@/i18n/serverText';

export interface GraphProblem {
  /** Where, in words: a node's name, an edge's two names, a sheet and row. */
  where: string;
  /** The server's message in the reader's language, node keys replaced by names. */
  message: string;
}

interface Named {
  key?: string;
  name_zh?: string;
  name_en?: string;
}

export interface ProblemWords {
  node: (n: number, name: string) => string;
  edge: (n: number, from: string, to: string) => string;
  edges: string;
  chain: string;
  name: (node: Named) => string;
}

/**
 * The 422's problems located in words: "nodes[3].field_codes" → the node's name,
 * "edges[7]" → its two nodes' names, "edges" (a cycle) → the edges; an import's
 * "节点 Nodes!3 stage" (sheet and row) as the server wrote it. Null for any other error.
 */
export function graphProblems(error: unknown, nodes: readonly Named[], edges: readonly { source?: string; target?: string }[], words: ProblemWords): GraphProblem[] | null {
  if (!(error instanceof ApiError) || error.status !== 422 || (error.problem.errors ?? []).length === 0) return null;
  const byKey = new Map(nodes.filter((n) => n.key !== undefined).map((n) => [n.key, n]));
  const label = (key: string | undefined) => {
    const node = key === undefined ? undefined : byKey.get(key);
    return node === undefined ? (key ?? '?') : words.name(node);
  };
  // node keys in a message (a cycle "castings → valves → castings", a quoted “key”) as names
  const named = (text: string) =>
    text
      .replace(/[\w-](?:[\w.-]*[\w-])?(?: → [\w-](?:[\w.-]*[\w-])?)+/g, (path) => path.split(' → ').map(label).join(' → '))
      .replace(/“([A-Za-z0-9_.-]+)”/g, (quoted, key: string) => (byKey.has(key) ? `“${label(key)}”` : quoted));
  return (error.problem.errors ?? []).map(({ field: raw, message: text }) => {
    const field = raw.replace(/^body\./, '');
    const message = named(localiseServerText(text)); // the reader's half, then keys as names
    const node = /^nodes\[(\d+)\]/.exec(field) ?? /^nodes\.(\d+)/.exec(field);
    if (node !== null) {
      const i = Number(node[1]);
      const named = nodes[i];
      return { where: words.node(i + 1, named === undefined ? '' : words.name(named)), message };
    }
    const edge = /^edges\[(\d+)\]/.exec(field) ?? /^edges\.(\d+)/.exec(field);
    if (edge !== null) {
      const i = Number(edge[1]);
      return { where: words.edge(i + 1, label(edges[i]?.source), label(edges[i]?.target)), message };
    }
    if (field === 'edges') return { where: words.edges, message };
    // an import's location: the sheet's name and row ("节点 Nodes!3 stage"); else the chain's own fields
    if (field.includes('!') || field.includes(' ')) return { where: field, message };
    return { where: words.chain, message };
  });
}
