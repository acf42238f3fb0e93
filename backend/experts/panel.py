"""Proposing a review panel for any item: proof-of-concept requests (`poc.py`) and challenge
proposals (`backend/challenges/review.py`) alike.

The item is a text (for expertise, the matcher's deterministic n-gram encoder against each
expert's profile) and the organisations whose work is reviewed: an expert with a conflict of
interest with ANY of them (`conflicts.py`) may not sit. `matching.panels.propose` then fills
one seat per kind, maximising expertise less a load penalty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend.core.errors import Conflict
from backend.experts import conflicts
from backend.experts.models import ExpertKind
from backend.experts.pool import ExpertRow, profile_text, verified_pool
from backend.listings import taxonomy
from matching.encoders import HashEncoder
from matching.panels import Candidate, NoPanel, expertise, propose

KIND_ZH = {ExpertKind.SCIENTIST: "科学家", ExpertKind.ENTREPRENEUR: "企业家",
           ExpertKind.INVESTOR: "投资人", ExpertKind.IP_LEGAL: "知识产权/法律专家",
           ExpertKind.FINANCE: "财务专家"}
# Expertise is compared with the matcher's deterministic character n-gram encoder: no model
# to load inside a request, and Chinese field names and abstracts compare well enough to rank
# a pool of experts; a panel is confirmed by a person.
ENCODER = HashEncoder(512)


@dataclass(frozen=True)
class Scored:
    row: ExpertRow
    similarity: float
    found: list[conflicts.Found]


def field_names(session: Session) -> dict[str, str]:
    return {f.code: f"{f.name_zh} {f.name_en}" for f in taxonomy.all_fields(session)}


def score_pool(session: Session, item: str, org_ids: Iterable[int]) -> list[Scored]:
    """Every verified expert with their expertise for the item and their conflicts with any of
    the organisations `org_ids`."""
    rows = verified_pool(session)
    names = field_names(session)
    similarity = expertise(ENCODER, [profile_text(r, names) for r in rows], item)
    found: dict[int, list[conflicts.Found]] = {r.profile.user_id: [] for r in rows}
    if rows:
        for org_id in sorted(set(org_ids)):
            for expert_id, more in conflicts.conflicts_for(session, rows, org_id).items():
                found[expert_id] += more
    return [Scored(r, s, found[r.profile.user_id]) for r, s in zip(rows, similarity, strict=True)]


def choose(scored: Sequence[Scored], kinds: Sequence[str], taken: Collection[int] = (),
           extra_load: Counter[int] | None = None) -> list[tuple[str, Scored]]:
    """One expert per seat kind (in order), none conflicted nor in `taken`; 409 naming the
    kinds nobody can fill. `extra_load`: seats elsewhere that count against capacity."""
    extra = extra_load or Counter()
    by_id = {s.row.profile.user_id: s for s in scored}
    pool = [Candidate(s.row.profile.user_id, s.row.profile.kind, s.similarity,
                      s.row.load + extra[s.row.profile.user_id], s.row.profile.yearly_capacity,
                      eligible=not s.found and s.row.profile.user_id not in taken)
            for s in scored]
    try:
        chosen = propose(kinds, pool)
    except NoPanel as missing:
        raise Conflict("没有可用的无利益冲突专家：" + "、".join(
            KIND_ZH[ExpertKind(k)] for k in missing.kinds) + "。No expert without a conflict "
            "and with capacity left for: " + ", ".join(missing.kinds) + ".",
            missing_kinds=missing.kinds) from None
    return [(kind, by_id[c.id]) for kind, c in zip(kinds, chosen, strict=True)]
