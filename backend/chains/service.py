"""Industry chains: the front door for routers and other domains.

Administrators create a chain and save its whole graph; each save is validated as a whole
(`graph.problems`) and becomes a new version. Nodes keep their ids across versions by key,
so placements survive an edit; a node dropped from the graph takes its placements with it.
Everyone signed in reads chains; the public sees none (the marks are the bureau's judgement
of local weak points, not published)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.chains import graph, schemas
from backend.chains.models import Chain, ChainEdge, ChainNode, ChainPlacement, ChainVersion
from backend.core.errors import Conflict, DomainError, NotFound
from backend.core.types import utcnow
from backend.listings import taxonomy

NOT_FOUND = "未找到该产业链。No such industry chain."


class GraphInvalid(DomainError):
    """The graph (or the sheet it came from) breaks a rule: every problem, each located."""

    status_code = 422
    title = "输入有误 Invalid input"
    type_slug = "invalid-input"

    def __init__(self, found: list[graph.Problem]) -> None:
        head = found[0].message if len(found) == 1 else (
            f"产业链有{len(found)}处问题，未作任何修改。The chain has {len(found)} problems; "
            "nothing was changed.")
        super().__init__(head, errors=[{"field": p.where, "message": p.message} for p in found])


# --- reading ----------------------------------------------------------------------------

def sub_field_codes(session: Session) -> set[str]:
    """Taxonomy sub-fields a node may be linked to: existing, active, under an active field."""
    fields = taxonomy.all_fields(session)
    active_parents = {f.id for f in fields if f.parent_id is None and f.active}
    return {f.code for f in fields if f.parent_id in active_parents and f.active}


def chain_for(session: Session, chain_id: int, *, lock: bool = False) -> Chain:
    query = select(Chain).where(Chain.id == chain_id)
    if lock:
        query = query.with_for_update()
    chain = session.execute(query).scalar_one_or_none()
    if chain is None:
        raise NotFound(NOT_FOUND)
    return chain


def list_chains(session: Session) -> list[Chain]:
    return list(session.execute(select(Chain).order_by(Chain.id)).scalars())


def nodes_of(session: Session, chain_id: int) -> list[ChainNode]:
    return list(session.execute(select(ChainNode).where(ChainNode.chain_id == chain_id)
                                .order_by(ChainNode.sort, ChainNode.id)).scalars())


def edges_of(session: Session, chain_id: int) -> list[tuple[str, str, str]]:
    """(source key, target key, note), in the order saved."""
    nodes = {n.id: n.key for n in nodes_of(session, chain_id)}
    rows = session.execute(select(ChainEdge).where(ChainEdge.chain_id == chain_id)
                           .order_by(ChainEdge.id)).scalars()
    return [(nodes[e.source_id], nodes[e.target_id], e.note) for e in rows]


def node_in(node: ChainNode) -> schemas.NodeIn:
    return schemas.NodeIn(key=node.key, name_zh=node.name_zh, name_en=node.name_en,
                          stage=node.stage, description=node.description,
                          keywords=list(node.keywords), field_codes=list(node.field_codes),
                          marks=[schemas.MarkIn.model_validate(m) for m in node.marks])


def document(session: Session, chain: Chain, note: str = "") -> schemas.ChainIn:
    """The chain as its graph document (what a version holds and the XLSX carries)."""
    return schemas.ChainIn(
        code=chain.code, name_zh=chain.name_zh, name_en=chain.name_en, region=chain.region,
        description=chain.description, is_dag=chain.is_dag,
        nodes=[node_in(n) for n in nodes_of(session, chain.id)],
        edges=[schemas.EdgeIn(source=s, target=t, note=note_)
               for s, t, note_ in edges_of(session, chain.id)],
        note=note)


def chain_out(session: Session, chain: Chain) -> schemas.ChainOut:
    nodes = nodes_of(session, chain.id)
    return schemas.ChainOut(
        id=chain.id, code=chain.code, name_zh=chain.name_zh, name_en=chain.name_en,
        region=chain.region, version=chain.version, updated_at=chain.updated_at,
        description=chain.description, is_dag=chain.is_dag,
        nodes=[schemas.NodeOut(id=n.id, **node_in(n).model_dump()) for n in nodes],
        edges=[schemas.EdgeIn(source=s, target=t, note=note)
               for s, t, note in edges_of(session, chain.id)])


def versions(session: Session, chain: Chain) -> list[ChainVersion]:
    return list(session.execute(select(ChainVersion).where(ChainVersion.chain_id == chain.id)
                                .order_by(ChainVersion.number.desc())).scalars())


def version(session: Session, chain: Chain, number: int) -> ChainVersion:
    row = session.execute(select(ChainVersion).where(
        ChainVersion.chain_id == chain.id, ChainVersion.number == number)).scalar_one_or_none()
    if row is None:
        raise NotFound("未找到该版本。No such version of this chain.")
    return row


# --- writing ----------------------------------------------------------------------------

def check(session: Session, body: schemas.GraphIn) -> None:
    found = graph.problems(body, sub_field_codes(session))
    if found:
        raise GraphInvalid(found)


def create(session: Session, actor: audit.Actor, user: User, body: schemas.ChainIn,
           imported: bool = False) -> Chain:
    check(session, body)
    taken = session.execute(select(func.count()).select_from(Chain)
                            .where(Chain.code == body.code)).scalar_one()
    if taken:
        raise Conflict(f"产业链编号“{body.code}”已存在。A chain with code {body.code} exists.")
    chain = Chain(code=body.code, name_zh=body.name_zh, name_en=body.name_en,
                  region=body.region, description=body.description, is_dag=body.is_dag,
                  version=0)
    session.add(chain)
    session.flush()
    _write(session, actor, user, chain, body, imported)
    return chain


def require_code(chain: Chain, doc: schemas.ChainIn) -> None:
    if doc.code != chain.code:
        raise Conflict(f"文件中的产业链编号“{doc.code}”与本产业链“{chain.code}”不一致。The file is "
                       f"for chain {doc.code}, not {chain.code}.")


def save(session: Session, actor: audit.Actor, user: User, chain: Chain, body: schemas.GraphIn,
         imported: bool = False) -> Chain:
    """Replace the chain's graph with `body` (the caller holds the chain's row lock)."""
    check(session, body)
    _write(session, actor, user, chain, body, imported)
    return chain


def _write(session: Session, actor: audit.Actor, user: User, chain: Chain,
           body: schemas.GraphIn, imported: bool) -> None:
    before: dict[str, Any] | None = None
    if chain.version:
        before = {"version": chain.version}
    chain.name_zh, chain.name_en, chain.region = body.name_zh, body.name_en, body.region
    chain.description, chain.is_dag = body.description, body.is_dag
    existing = {n.key: n for n in nodes_of(session, chain.id)}
    wanted = {n.key for n in body.nodes}
    gone = [n.id for k, n in existing.items() if k not in wanted]
    session.execute(delete(ChainEdge).where(ChainEdge.chain_id == chain.id))
    if gone:
        session.execute(delete(ChainPlacement).where(ChainPlacement.node_id.in_(gone)))
        session.execute(delete(ChainNode).where(ChainNode.id.in_(gone)))
    ids: dict[str, int] = {}
    for sort, data in enumerate(body.nodes):
        node = existing.get(data.key) or ChainNode(chain_id=chain.id, key=data.key)
        node.name_zh, node.name_en, node.stage = data.name_zh, data.name_en, data.stage
        node.description, node.keywords = data.description, list(data.keywords)
        node.field_codes = list(data.field_codes)
        node.marks = [m.model_dump(mode="json") for m in data.marks]
        node.sort = sort
        session.add(node)
        session.flush()
        ids[data.key] = node.id
    for edge in body.edges:
        session.add(ChainEdge(chain_id=chain.id, source_id=ids[edge.source],
                              target_id=ids[edge.target], note=edge.note))
    chain.version += 1
    chain.updated_at = utcnow()
    snapshot = schemas.ChainIn(code=chain.code, **body.model_dump(exclude={"code"}))
    session.add(ChainVersion(chain_id=chain.id, number=chain.version,
                             snapshot=snapshot.model_dump(mode="json"), note=body.note,
                             created_by_id=user.id))
    session.flush()
    audit.record(session, actor,
                 "chain.import" if imported else ("chain.update" if before else "chain.create"),
                 "chain", chain.id, before,
                 {"version": chain.version, "nodes": len(body.nodes),
                  "edges": len(body.edges), "note": body.note})
