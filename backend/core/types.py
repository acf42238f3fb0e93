"""Column types that keep money exact and time zone-aware on both SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Enum, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine

FEN = Decimal("0.01")


def to_fen(value: Decimal) -> Decimal:
    """Round a yuan amount to the fen, half up — the one rounding rule for money."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


class Money(TypeDecorator[Decimal]):
    """Yuan as NUMERIC(18, 2) on PostgreSQL, as integer fen on SQLite.

    SQLite has no exact decimal type: NUMERIC there is a binary float, which would
    make sums and comparisons of amounts inexact. Integer fen keeps them exact.
    """

    impl = Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = to_fen(Decimal(value))
        if dialect.name == "sqlite":
            return int(amount * 100)
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return to_fen(Decimal(int(value)) / 100)
        return to_fen(Decimal(value))


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always returned time zone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError("UTCDateTime needs a datetime")
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(enum_cls: type[StrEnum], length: int = 24) -> Enum:
    """An enum stored as its string value (VARCHAR), portable and readable in SQL."""
    return Enum(enum_cls, native_enum=False, length=length, create_constraint=False,
                values_callable=lambda e: [m.value for m in e])
