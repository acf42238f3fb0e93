import { describe, expect, it } from 'vitest';

import { ApiError } from '@/api/problem';
import { setServerTextLocale } from '@/i18n/serverText';

import { graphProblems } from './problems';

const words = {
  node: (n: number, name: string) => `第 ${n} 个节点“${name}”`,
  edge: (n: number, from: string, to: string) => `第 ${n} 条关系（${from} → ${to}）`,
  edges: '供需关系',
  chain: '产业链信息',
  name: (node: { name_zh?: string }) => node.name_zh ?? '',
};
const nodes = [
  { key: 'castings', name_zh: '阀体铸件' },
  { key: 'valves', name_zh: '工业阀门' },
];
const edges = [
  { source: 'castings', target: 'valves' },
  { source: 'valves', target: 'castings' },
];

function problem(errors: { field: string; message: string }[]) {
  return new ApiError({ type: 'about:blank', title: '输入有误', status: 422, errors });
}

describe('the graph problems of a 422, in words', () => {
  it('locates each problem by node and edge names, and names a cycle node by node', () => {
    const found = graphProblems(
      problem([
        { field: 'nodes[1].field_codes', message: '节点“valves”关联的领域“x.y”不存在或不是子领域。Node valves: x.y is not a sub-field.' },
        { field: 'edges[1]', message: '关系 valves → castings 重复。The edge valves → castings appears twice.' },
        { field: 'edges', message: '产业链声明为无环图，但存在环：castings → valves → castings。The chain is declared acyclic but has a cycle: castings → valves → castings.' },
        { field: '节点 Nodes!3 stage', message: '环节无效。Bad stage.' },
      ]),
      nodes,
      edges,
      words,
    );
    expect(found).toEqual([
      { where: '第 2 个节点“工业阀门”', message: '节点“工业阀门”关联的领域“x.y”不存在或不是子领域。' },
      { where: '第 2 条关系（工业阀门 → 阀体铸件）', message: '关系 工业阀门 → 阀体铸件 重复。' },
      { where: '供需关系', message: '产业链声明为无环图，但存在环：阀体铸件 → 工业阀门 → 阀体铸件。' },
      { where: '节点 Nodes!3 stage', message: '环节无效。' },
    ]);
  });

  it('names the nodes in English for an English reader', () => {
    setServerTextLocale('en-US');
    const english = { ...words, name: (node: { key?: string }) => (node.key === 'valves' ? 'Valves' : 'Castings') };
    const found = graphProblems(
      problem([{ field: 'edges', message: '产业链声明为无环图，但存在环：castings → valves → castings。The chain is declared acyclic but has a cycle: castings → valves → castings.' }]),
      nodes,
      edges,
      english,
    );
    setServerTextLocale('zh-CN');
    expect(found).toEqual([{ where: '供需关系', message: 'The chain is declared acyclic but has a cycle: Castings → Valves → Castings.' }]);
  });

  it('is null for any other error', () => {
    expect(graphProblems(new Error('x'), nodes, edges, words)).toBeNull();
    expect(graphProblems(new ApiError({ type: 'about:blank', title: 'x', status: 409 }), nodes, edges, words)).toBeNull();
  });
});
