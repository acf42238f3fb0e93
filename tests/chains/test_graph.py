"""The graph's rules, checked as a whole: no cycle where the chain says it is a DAG, no self
loop, no duplicate edge or node key, edges between existing nodes, nodes on existing
sub-fields, one mark of a kind per node."""

from __future__ import annotations

from typing import Any

from backend.chains import graph, schemas
from tests.builders import chains as cb

FIELDS = {"materials.metals", "materials.polymers", "materials.ceramics", "equipment.sensing",
          "equipment.cnc", "electronics.software"}


def _problems(**overrides: Any) -> list[tuple[str, str]]:
    doc = schemas.GraphIn.model_validate(cb.graph_body(**overrides))
    return [(p.where, p.message) for p in graph.problems(doc, FIELDS)]


def _edges(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"source": s, "target": t} for s, t in pairs]


def test_the_example_chain_holds_together() -> None:
    assert _problems() == []


def test_a_cycle_in_a_dag_is_named_node_by_node() -> None:
    found = _problems(edges=_edges(("castings", "valves"), ("valves", "maintenance"),
                                   ("maintenance", "castings"), ("seals", "valves")))
    assert len(found) == 1
    where, message = found[0]
    assert where == "edges"
    assert "castings → valves → maintenance → castings" in message


def test_a_cycle_is_allowed_when_the_chain_is_not_declared_a_dag() -> None:
    assert _problems(is_dag=False, edges=_edges(("castings", "valves"),
                                                ("valves", "castings"))) == []


def test_a_node_behind_a_cycle_does_not_hide_it() -> None:
    # maintenance is downstream of the loop and has no successor: the walk still finds the loop
    found = _problems(edges=_edges(("valves", "seals"), ("seals", "valves"),
                                   ("valves", "maintenance")))
    assert [w for w, _ in found] == ["edges"]
    assert "valves → seals → valves" in found[0][1] or "seals → valves → seals" in found[0][1]


def test_self_loops_duplicates_and_unknown_nodes_are_each_reported() -> None:
    found = _problems(edges=_edges(("valves", "valves"), ("seals", "valves"),
                                   ("seals", "valves"), ("pumps", "valves")))
    assert [w for w, _ in found] == ["edges[0]", "edges[2]", "edges[3]"]
    assert "itself" in found[0][1] and "twice" in found[1][1] and "pumps" in found[2][1]


def test_nodes_must_sit_on_existing_sub_fields_and_keys_be_unique() -> None:
    nodes = cb.graph_body()["nodes"]
    nodes[0]["field_codes"] = ["materials"]            # a top-level field, not a sub-field
    nodes[1]["field_codes"] = ["materials.unobtainium"]
    nodes[2]["key"] = "seals"
    found = _problems(nodes=nodes, edges=[])
    assert [w for w, _ in found] == ["nodes[0].field_codes", "nodes[1].field_codes",
                                     "nodes[2].key"]


def test_one_mark_of_a_kind_per_node() -> None:
    nodes = cb.graph_body()["nodes"]
    mark = nodes[1]["marks"][0]
    nodes[1]["marks"] = [mark, {**mark, "reason": "再次"}]
    assert [w for w, _ in _problems(nodes=nodes)] == ["nodes[1].marks"]
