"""Schema building blocks shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Generic, TypeVar

import nh3
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

T = TypeVar("T")


def clean_text(value: str) -> str:
    """Strip HTML tags and surrounding whitespace from user text; plain text only."""
    return nh3.clean(value, tags=set(), attributes={}).strip()


def _clean_nonempty(value: str) -> str:
    cleaned = clean_text(value)
    if not cleaned:
        raise ValueError("不能为空 must not be empty")
    return cleaned


PlainText = Annotated[str, AfterValidator(clean_text)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean_nonempty)]
ShortName = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_clean_nonempty)]


def documented_codes(values: Iterable[str], description: str) -> Any:
    """A code field whose possible values the OpenAPI document lists as an `enum`, so the UI
    has a label for each (its tests fail on a code without one). Not checked on output: a
    row written under a code that was later retired still reads."""
    return Field(description=description, json_schema_extra={"enum": list(values)})


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid", str_strip_whitespace=True)


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
