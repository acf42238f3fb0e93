"""Organisations, the people and identifiers behind them, users, brokers, sessions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.identity import IdentifierKind
from backend.core.permissions import Role
from backend.core.types import UTCDateTime, str_enum, utcnow
from backend.db import Base


class OrgKind(StrEnum):
    FIRM = "firm"
    INSTITUTE = "institute"
    AGENCY = "agency"
    BUREAU = "bureau"
    INVESTOR = "investor"  # 投资机构: funds, guidance funds, banks, insurers, angels


class VerificationStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class BrokerLevel(StrEnum):
    JUNIOR = "junior"
    INTERMEDIATE = "intermediate"
    SENIOR = "senior"


class OfficerPosition(StrEnum):
    DIRECTOR = "director"
    SUPERVISOR = "supervisor"
    SENIOR_MANAGER = "senior_manager"


class Person(Base):
    """A natural person, one row per resident ID number."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(64))


class Identifier(Base):
    """A normalised address, phone, e-mail domain or bank account, one row per value."""

    __tablename__ = "identifiers"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[IdentifierKind] = mapped_column(str_enum(IdentifierKind, 16))
    value: Mapped[str] = mapped_column(String(255))


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, 16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    legal_rep_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    # The name as the organisation declared it: shown to its members instead of the name on
    # file for the ID number, which may differ and is no one's business but the bureau's.
    legal_rep_name: Mapped[str] = mapped_column(String(64))
    address_id: Mapped[int] = mapped_column(ForeignKey("identifiers.id"), index=True)
    address_text: Mapped[str] = mapped_column(String(255))
    phone_id: Mapped[int] = mapped_column(ForeignKey("identifiers.id"), index=True)
    email_domain_id: Mapped[int] = mapped_column(ForeignKey("identifiers.id"), index=True)
    bank_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("identifiers.id"), index=True, default=None)
    bank_name: Mapped[str | None] = mapped_column(String(100), default=None)
    region: Mapped[str] = mapped_column(String(64), index=True)
    verification_status: Mapped[VerificationStatus] = mapped_column(
        str_enum(VerificationStatus, 16), default=VerificationStatus.PENDING, index=True)
    verification_note: Mapped[str | None] = mapped_column(String(500), default=None)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # No foreign key: users reference organisations, and the verifier is in the audit log too.
    verified_by_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    legal_rep: Mapped[Person] = relationship(foreign_keys=[legal_rep_id], lazy="raise")
    address: Mapped[Identifier] = relationship(foreign_keys=[address_id], lazy="raise")
    phone: Mapped[Identifier] = relationship(foreign_keys=[phone_id], lazy="raise")
    email_domain: Mapped[Identifier] = relationship(foreign_keys=[email_domain_id], lazy="raise")
    bank_account: Mapped[Identifier | None] = relationship(
        foreign_keys=[bank_account_id], lazy="raise")
    shareholdings: Mapped[list[Shareholding]] = relationship(
        back_populates="organisation", lazy="raise", cascade="all, delete-orphan",
        foreign_keys="Shareholding.organisation_id")
    officers: Mapped[list[Officer]] = relationship(
        back_populates="organisation", lazy="raise", cascade="all, delete-orphan")


class Shareholding(Base):
    """Who holds how much of an organisation: a person, or another organisation by credit code."""

    __tablename__ = "shareholdings"
    __table_args__ = (
        CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),
        CheckConstraint("(person_id IS NULL) <> (holder_credit_code IS NULL)", name="one_holder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    holder_credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    percent: Mapped[Decimal] = mapped_column(Numeric(7, 4))

    organisation: Mapped[Organisation] = relationship(
        back_populates="shareholdings", lazy="raise", foreign_keys=[organisation_id])
    person: Mapped[Person | None] = relationship(lazy="raise")


class Officer(Base):
    """A director, supervisor or senior manager of an organisation."""

    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("organisation_id", "person_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))  # as declared (see Organisation.legal_rep_name)
    position: Mapped[OfficerPosition] = mapped_column(str_enum(OfficerPosition, 16))

    organisation: Mapped[Organisation] = relationship(back_populates="officers", lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, default=None)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True,
                                                  default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[organisation_id], lazy="raise")
    broker: Mapped[BrokerProfile | None] = relationship(
        back_populates="user", lazy="raise", foreign_keys="BrokerProfile.user_id")


class BrokerProfile(Base):
    __tablename__ = "broker_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    level: Mapped[BrokerLevel] = mapped_column(str_enum(BrokerLevel, 16))
    certificate_no: Mapped[str] = mapped_column(String(64), unique=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    verification_status: Mapped[VerificationStatus] = mapped_column(
        str_enum(VerificationStatus, 16), default=VerificationStatus.PENDING, index=True)
    verification_note: Mapped[str | None] = mapped_column(String(500), default=None)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    user: Mapped[User] = relationship(back_populates="broker", lazy="raise",
                                      foreign_keys=[user_id])
    agency: Mapped[Organisation | None] = relationship(lazy="raise")


class JoinStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class JoinRequest(Base):
    """A user who registered into an existing organisation and waits for its approval.

    Until a member of the organisation or an administrator approves, the user is no member:
    `User.organisation_id` (and a broker's `agency_id`) stay empty, so nothing of the
    organisation is visible to them and they cannot act for it.
    """

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[JoinStatus] = mapped_column(str_enum(JoinStatus, 16),
                                               default=JoinStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)


class Invitation(Base):
    """A one-time code a member (or an administrator) hands to a colleague: registering with
    it admits them to the organisation at once. Only the code's hash is kept."""

    __tablename__ = "organisation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class AuthSession(Base):
    """A login: the refresh token's hash and whether it is still valid.

    Access tokens carry the session id, so revoking the session (logout, password
    change, an administrator's action) invalidates them before they expire.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    refresh_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(255), default=None)


class LoginThrottle(Base):
    """A throttle counter in its current window (`throttle.py`): failed logins per user and
    address, per user, per address; registrations per address."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
