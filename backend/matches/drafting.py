"""The drafting help: as a firm writes a demand (or an institute an achievement), what would
match it, which field it likely belongs to, technical terms worth adding, and whether it is
too vague to match yet.

The hints come from the corpus the draft is matched against (achievements for a draft
demand, demands for a draft achievement), through `matching.hints`, on the same matcher the
search used. The draft's text is encoded once: the hints encode the same text again and the
index's encoders answer that from their embedding cache (`matching.CachedEncoder`; the model
is not run twice); the `hash` and `bm25` profiles have no model to spare.

Each user may ask `BURST` previews at once and `PER_SECOND` more each second (per API
process): the form asks debounced, about one every half second while typing.
"""

from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.errors import InvalidInput, TooManyRequests
from backend.core.throttle import TokenBucket
from backend.listings.models import Field
from backend.matches import schemas, service
from backend.matches.documents import Kind
from backend.matches.index import get_index_service
from matching import hints

BURST = 20
PER_SECOND = 2.0
VAGUE_AT = 0.5  # `hints.vagueness` at or above this: the draft is too vague to match
FIELDS = 3
KEYWORDS = 8
MIN_PROBABILITY = 0.05  # fields less likely than this are not offered

HINTS: dict[Kind, tuple[str, str]] = {
    "demand": ("请描述现象、材料、数量、设备等，越具体越容易匹配。",
               "Describe what happens, the materials, quantities and equipment: the more "
               "specific, the better the matches."),
    "achievement": ("请写明技术原理、关键指标、材料与适用场景，越具体越容易匹配。",
                    "Name the principle, key figures, materials and where it applies: the more "
                    "specific, the better the matches."),
}

throttle = TokenBucket(BURST, PER_SECOND)


def _field(session: Session, field_id: int | None) -> Field | None:
    if field_id is None:
        return None
    field = session.get(Field, field_id)
    if field is None:
        raise InvalidInput("field_id", "未找到该领域。No such field.")
    return field


def _predicted(session: Session, predicted: list[tuple[str, float]]
               ) -> list[schemas.PredictedFieldOut]:
    wanted = {code: p for code, p in predicted if p >= MIN_PROBABILITY}
    if not wanted:
        return []
    rows = {f.code: f for f in session.execute(select(Field).where(
        Field.code.in_(wanted), Field.active.is_(True))).scalars()}
    return [schemas.PredictedFieldOut(id=rows[code].id, code=code, name_zh=rows[code].name_zh,
                                      name_en=rows[code].name_en,
                                      probability=round(min(max(p, 0.0), 1.0), 4))
            for code, p in sorted(wanted.items(), key=lambda kv: -kv[1]) if code in rows]


def _keywords(suggested: list[str], body: schemas.PreviewIn, text: str) -> list[str]:
    have = {k.lower() for k in body.keywords}
    lowered = text.lower()
    out: list[str] = []
    for term in suggested:
        if term.lower() not in have and term.lower() not in lowered and term not in out:
            out.append(term)
    return out[:KEYWORDS]


def preview(session: Session, user: User, body: schemas.PreviewIn) -> schemas.PreviewOut:
    """The draft's matches and the help to write it (nothing is stored)."""
    wait = throttle.take(user.id)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise TooManyRequests(f"预览过于频繁，请 {seconds} 秒后再试。Too many previews; try "
                              f"again in {seconds} s.", headers={"Retry-After": str(seconds)})
    field = _field(session, body.field_id)
    target: Kind = "achievement" if body.kind == "demand" else "demand"
    # The index this process serves now, never one loaded for the request: with none yet
    # there is nothing to match and no vocabulary to help with.
    matcher = get_index_service().loaded(target)
    text = service.draft_text(body)
    predicted = [] if matcher is None else hints.predict_fields(matcher, text, FIELDS)
    matches = service.preview(session, user, body, field, dict(predicted))
    vague = matcher is not None and hints.vagueness(matcher, text) >= VAGUE_AT
    suggested = [] if vague or matcher is None else _keywords(
        hints.suggest_terms(matcher, text, KEYWORDS), body, text)
    hint = HINTS[body.kind] if vague else (None, None)
    shown = {name: getattr(matches, name) for name in schemas.MatchesOut.model_fields}
    return schemas.PreviewOut(
        **shown, predicted_fields=_predicted(session, predicted),
        suggested_keywords=suggested, vague=vague, hint_zh=hint[0], hint_en=hint[1])
