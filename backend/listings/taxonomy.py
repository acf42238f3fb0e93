"""The industry taxonomy (fields and sub-fields): data, edited by administrators."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.listings import schemas
from backend.listings.models import Field


def _snapshot(field: Field) -> dict[str, object]:
    return {"code": field.code, "name_zh": field.name_zh, "name_en": field.name_en,
            "parent_id": field.parent_id, "sort": field.sort, "active": field.active}


def all_fields(session: Session) -> list[Field]:
    return list(session.execute(select(Field).order_by(Field.sort, Field.id)).scalars())


def top_level_codes(session: Session) -> dict[int, str]:
    """Every field's top-level field's code, by field id (a top-level field maps to itself)."""
    fields = {f.id: f for f in all_fields(session)}
    codes: dict[int, str] = {}
    for field_id, field in fields.items():
        top = field
        while top.parent_id is not None and top.parent_id in fields:
            top = fields[top.parent_id]
        codes[field_id] = top.code
    return codes


def field_tree(session: Session, include_inactive: bool = False) -> list[schemas.FieldOut]:
    """Top-level fields with their sub-fields, in display order."""
    fields = all_fields(session)
    shown = [f for f in fields if include_inactive or f.active]
    children: dict[int, list[schemas.FieldOut]] = {}
    for f in shown:
        if f.parent_id is not None:
            children.setdefault(f.parent_id, []).append(_out(f, []))
    return [_out(f, children.get(f.id, [])) for f in shown if f.parent_id is None]


def _out(field: Field, children: list[schemas.FieldOut]) -> schemas.FieldOut:
    return schemas.FieldOut(id=field.id, code=field.code, name_zh=field.name_zh,
                            name_en=field.name_en, parent_id=field.parent_id, sort=field.sort,
                            active=field.active, children=children)


def get_field(session: Session, field_id: int) -> Field:
    field = session.get(Field, field_id)
    if field is None:
        raise NotFound("未找到该领域。No such field.")
    return field


def usable_field(session: Session, field_id: int, name: str = "field_id") -> Field:
    """A field a listing may be filed under: it exists and it and its parent are active."""
    parent = aliased(Field)
    row = session.execute(
        select(Field, parent.active).outerjoin(parent, parent.id == Field.parent_id)
        .where(Field.id == field_id)).first()
    if row is None or not row[0].active or row[1] is False:
        raise InvalidInput(name, "未找到该领域或该领域已停用。No such field, or it is no longer in use.")
    field: Field = row[0]
    return field


def subtree_clause(column: InstrumentedAttribute[int], field_id: int) -> ColumnElement[bool]:
    """`column` is the field or one of its sub-fields (filters by a top-level field too)."""
    ids = select(Field.id).where(or_(Field.id == field_id, Field.parent_id == field_id))
    return column.in_(ids)


def create_field(session: Session, actor: audit.Actor, data: schemas.FieldIn) -> Field:
    if session.execute(select(Field.id).where(Field.code == data.code)).first():
        raise Conflict("该领域代码已存在。This field code is taken.",
                       errors=[{"field": "code", "message": "已存在 taken"}])
    if data.parent_id is None:
        if "." in data.code:
            raise InvalidInput("code", "顶级领域代码不能含“.”。A top-level code has no '.'.")
    else:
        parent = session.get(Field, data.parent_id)
        if parent is None:
            raise InvalidInput("parent_id", "未找到上级领域。No such parent field.")
        if parent.parent_id is not None:
            raise InvalidInput("parent_id", "领域最多两级，只能在顶级领域下添加子领域。"
                                            "Sub-fields go under a top-level field only.")
        if not data.code.startswith(parent.code + "."):
            raise InvalidInput("code", f"子领域代码应以“{parent.code}.”开头。"
                                       f"A sub-field code starts with '{parent.code}.'.")
    field = Field(code=data.code, name_zh=data.name_zh, name_en=data.name_en,
                  parent_id=data.parent_id, sort=data.sort, active=True)
    session.add(field)
    session.flush()
    audit.record(session, actor, "field.create", "field", field.id, after=_snapshot(field))
    return field


def update_field(session: Session, actor: audit.Actor, field: Field,
                 data: schemas.FieldUpdate) -> Field:
    before = _snapshot(field)
    for name in ("name_zh", "name_en", "sort", "active"):
        if name in data.model_fields_set:
            value = getattr(data, name)
            if value is None:
                raise InvalidInput(name, "不能为空。Must not be null.")
            setattr(field, name, value)
    session.flush()
    after = _snapshot(field)
    if after != before:
        audit.record(session, actor, "field.update", "field", field.id, before=before, after=after)
    return field
