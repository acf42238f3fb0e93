"""Schema building blocks shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

from backend.core import text

T = TypeVar("T")


@dataclass(frozen=True)
class FreeText:
    """The text rule (core/text.py) for one request field, with its length limits.

    `Annotated[str, FreeText(max_length=200)]`. The limits count the text as it will be
    stored, after cleaning, so what passes fits its column; `min_length=1` refuses text that
    was only white space or invisible characters."""

    max_length: int
    min_length: int = 0
    multiline: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler
                                     ) -> core_schema.CoreSchema:
        clean = text.clean_lines if self.multiline else text.clean_line

        def cleaned(value: Any) -> Any:
            return clean(value) if isinstance(value, str) else value

        return core_schema.no_info_before_validator_function(cleaned, core_schema.str_schema(
            min_length=self.min_length or None, max_length=self.max_length))


Name = Annotated[str, FreeText(min_length=1, max_length=200)]
ShortName = Annotated[str, FreeText(min_length=1, max_length=64)]


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
