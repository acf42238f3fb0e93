"""Whether a chain's graph holds together, checked as a whole before anything is written.

Pure: takes the document and the set of usable taxonomy sub-field codes, returns every
problem found (not only the first), each naming where it is (`nodes[3].field_codes`,
`edges[7]`) and saying what is wrong in Chinese and English."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

from backend.chains.schemas import GraphIn


@dataclass(frozen=True)
class Problem:
    where: str
    message: str


def problems(graph: GraphIn, sub_fields: set[str]) -> list[Problem]:
    found: list[Problem] = []
    index: dict[str, int] = {}
    for i, node in enumerate(graph.nodes):
        if node.key in index:
            found.append(Problem(f"nodes[{i}].key",
                                 f"节点编号“{node.key}”重复。Node key {node.key} appears twice."))
        index.setdefault(node.key, i)
        for code in node.field_codes:
            if code not in sub_fields:
                found.append(Problem(
                    f"nodes[{i}].field_codes",
                    f"节点“{node.key}”关联的领域“{code}”不存在或不是子领域。Node {node.key}: "
                    f"{code} is not an existing, active taxonomy sub-field."))
        kinds = [m.kind for m in node.marks]
        if len(set(kinds)) != len(kinds):
            found.append(Problem(f"nodes[{i}].marks",
                                 f"节点“{node.key}”同一类标记只能有一个。Node {node.key} has a "
                                 "mark kind twice."))
    seen: set[tuple[str, str]] = set()
    for j, edge in enumerate(graph.edges):
        where = f"edges[{j}]"
        missing = [k for k in (edge.source, edge.target) if k not in index]
        if missing:
            found.append(Problem(where, f"关系引用了不存在的节点：{'、'.join(missing)}。The edge "
                                        f"names a node that does not exist: {', '.join(missing)}."))
            continue
        if edge.source == edge.target:
            found.append(Problem(where, f"节点“{edge.source}”不能指向自身。A node cannot supply "
                                        f"itself ({edge.source})."))
            continue
        pair = (edge.source, edge.target)
        if pair in seen:
            found.append(Problem(where, f"关系 {edge.source} → {edge.target} 重复。The edge "
                                        f"{edge.source} → {edge.target} appears twice."))
        seen.add(pair)
    if graph.is_dag:
        cycle = find_cycle(index, seen)
        if cycle:
            path = " → ".join([*cycle, cycle[0]])
            found.append(Problem("edges", f"产业链声明为无环图，但存在环：{path}。The chain is "
                                          f"declared acyclic but has a cycle: {path}."))
    return found


def find_cycle(nodes: dict[str, int], edges: set[tuple[str, str]]) -> list[str]:
    """One cycle's nodes in order (empty when there is none): Kahn's algorithm removes every
    node not on or behind a cycle; a walk along the remaining edges then closes one."""
    out: dict[str, list[str]] = defaultdict(list)
    indegree = dict.fromkeys(nodes, 0)
    for source, target in sorted(edges):
        out[source].append(target)
        indegree[target] += 1
    queue = deque(k for k, d in indegree.items() if d == 0)
    while queue:
        key = queue.popleft()
        for nxt in out[key]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                queue.append(nxt)
    left = {k for k, d in indegree.items() if d > 0}
    if not left:
        return []
    # Every node left has a predecessor left (one downstream of a cycle may have no
    # successor), so walk backwards until a node repeats, then read the loop forwards.
    into: dict[str, list[str]] = defaultdict(list)
    for source, target in sorted(edges):
        into[target].append(source)
    at = min(left, key=lambda k: nodes[k])
    path: list[str] = []
    positions: dict[str, int] = {}
    while at not in positions:
        positions[at] = len(path)
        path.append(at)
        at = next(n for n in into[at] if n in left)
    loop = path[positions[at]:]
    loop.reverse()
    first = loop.index(min(loop, key=lambda k: nodes[k]))  # from the earliest node listed
    return loop[first:] + loop[:first]
