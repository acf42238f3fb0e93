"""Deals (撮合项目): the broker's pipeline from introduction to a registered, paid contract."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from backend.core.types import Money, UTCDateTime, str_enum, utcnow
from backend.db import Base


class Stage(StrEnum):
    REQUESTED = "requested"  # on an anonymous or private demand: awaiting the firm's consent
    INTRODUCED = "introduced"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    REGISTERED = "registered"
    PAID = "paid"
    CLOSED = "closed"
    LOST = "lost"
    CANCELLED = "cancelled"


OPEN_STAGES = frozenset({Stage.REQUESTED, Stage.INTRODUCED, Stage.NEGOTIATING, Stage.SIGNED,
                         Stage.REGISTERED, Stage.PAID})


class Acceptance(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class BrokerRole(StrEnum):
    LEAD = "lead"
    INVITED = "invited"


class BrokerStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DECLINED = "declined"


class EvidenceStatus(StrEnum):
    """Where a declared item (the contract's terms, a payment) stands with the parties."""

    DECLARED = "declared"     # recorded by a broker, awaiting the parties' confirmation
    CONFIRMED = "confirmed"   # every party it binds (and, above the ceiling, an administrator)
    DISPUTED = "disputed"     # a party disputed this version, with a reason


class EvidenceSide(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    ADMIN = "admin"           # only for a contract amount above CONTRACT_AMOUNT_CEILING


class EvidenceKind(StrEnum):
    CONTRACT = "contract"
    PAYMENT = "payment"


class RegistryStatus(StrEnum):
    """The contract against the registration office's export (技术合同登记机构)."""

    UNCHECKED = "unchecked"   # its number is in no export uploaded so far
    VERIFIED = "verified"     # number, parties, type, amount and date all match
    MISMATCH = "mismatch"     # the number is there, something else differs
    CANCELLED = "cancelled"   # the office cancelled the registration


class ContractType(StrEnum):
    DEVELOPMENT = "development"   # 技术开发
    TRANSFER = "transfer"         # 技术转让
    LICENSING = "licensing"       # 技术许可
    CONSULTING = "consulting"     # 技术咨询
    SERVICE = "service"           # 技术服务


class Deal(Base):
    """A deal on a demand–achievement pair, or on a challenge's award (揭榜挂帅: the issuer's
    firm on the demand side, the winner on the achievement side; no listings)."""

    __tablename__ = "deals"
    __table_args__ = (
        CheckConstraint("(demand_id IS NOT NULL AND achievement_id IS NOT NULL AND "
                        "challenge_award_id IS NULL) OR (demand_id IS NULL AND "
                        "achievement_id IS NULL AND challenge_award_id IS NOT NULL)",
                        name="pair_or_award"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id"), index=True)
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievements.id"),
                                                       index=True)
    # The challenge award this deal carries out, in place of the pair (unique: one deal each).
    challenge_award_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenge_awards.id", use_alter=True,
                   name="fk_deals_challenge_award_id_challenge_awards"),
        unique=True, default=None)
    demand_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    achievement_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, 16), default=Stage.INTRODUCED,
                                         index=True)
    demand_acceptance: Mapped[Acceptance] = mapped_column(str_enum(Acceptance, 16),
                                                          default=Acceptance.PENDING)
    achievement_acceptance: Mapped[Acceptance] = mapped_column(str_enum(Acceptance, 16),
                                                               default=Acceptance.PENDING)
    # "demand_id:achievement_id" while the deal is open, NULL once it ends: a unique column
    # that allows many NULLs enforces "one open deal per pair" on SQLite and PostgreSQL alike.
    open_pair_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Opened on an anonymous or private demand: a request to the demand's firm, which the
    # achievement's side does not see (nor anyone learns whose demand it is) until the firm
    # accepts it.
    requested: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Set at the first reward claim on the deal: from then on the brokers' shares are frozen.
    shares_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # True while a claw-back on a claim of this deal is open: the pair cannot be reopened.
    clawback_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Optimistic locking: two concurrent changes to one deal cannot both succeed.
    # No ClassVar: the declarative base declares __mapper_args__ as an instance variable and
    # mypy rejects overriding it with a class variable.
    __mapper_args__: Any = {"version_id_col": version}  # noqa: RUF012 — read once by the mapper

    brokers: Mapped[list[DealBroker]] = relationship(
        back_populates="deal", lazy="raise", order_by="DealBroker.id",
        cascade="all, delete-orphan")
    contract: Mapped[Contract | None] = relationship(back_populates="deal", lazy="raise",
                                                     uselist=False)


class DealBroker(Base):
    """A broker on a deal and their declared share of the reward (shares of active brokers
    sum to 100)."""

    __tablename__ = "deal_brokers"
    __table_args__ = (
        UniqueConstraint("deal_id", "broker_id"),
        CheckConstraint("share >= 0 AND share <= 100", name="share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[BrokerRole] = mapped_column(str_enum(BrokerRole, 16))
    status: Mapped[BrokerStatus] = mapped_column(str_enum(BrokerStatus, 16))
    share: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    deal: Mapped[Deal] = relationship(back_populates="brokers", lazy="raise")


class DealEvent(Base):
    """The deal's timeline: stage changes (who, when, why), acceptances, notes, contract,
    files and payments."""

    __tablename__ = "deal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    from_stage: Mapped[Stage | None] = mapped_column(str_enum(Stage, 16), default=None)
    to_stage: Mapped[Stage | None] = mapped_column(str_enum(Stage, 16), default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    data: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    # Notes can be kept between the brokers, or shared with one or both parties.
    visible_to_parties: Mapped[bool] = mapped_column(Boolean, default=True)


class Contract(Base):
    """The technology contract (技术合同) a deal led to."""

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("technology_amount IS NULL OR (technology_amount >= 0 AND "
                        "technology_amount <= amount)", name="technology_amount_range"),
        CheckConstraint("buyer_org_id <> seller_org_id", name="distinct_parties"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[ContractType] = mapped_column(str_enum(ContractType, 16), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    # 技术交易额: the amount less equipment, materials and other non-technical costs, as on
    # the registration certificate; None until registered.
    technology_amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    signed_on: Mapped[date] = mapped_column(Date, index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    registration_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    registered_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The terms above are a broker's declaration. Each change starts a new version that the
    # parties confirm or dispute (`evidence_answers`); only the confirmed terms, kept below as
    # of the last fully confirmed version, count for rewards, figures and the integrity rules.
    evidence_version: Mapped[int] = mapped_column(Integer, default=1)
    evidence_status: Mapped[EvidenceStatus] = mapped_column(
        str_enum(EvidenceStatus, 16), default=EvidenceStatus.DECLARED, index=True)
    confirmed_version: Mapped[int | None] = mapped_column(Integer, default=None)
    confirmed_amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    confirmed_technology_amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    confirmed_terms: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    registry_status: Mapped[RegistryStatus] = mapped_column(
        str_enum(RegistryStatus, 16), default=RegistryStatus.UNCHECKED, index=True)
    # What differs from the registry's record: ["amount", "parties", ...]; empty when verified.
    registry_issues: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    registry_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    deal: Mapped[Deal] = relationship(back_populates="contract", lazy="raise")
    payments: Mapped[list[Payment]] = relationship(back_populates="contract", lazy="raise",
                                                   order_by="Payment.id")
    files: Mapped[list[ContractFile]] = relationship(back_populates="contract", lazy="raise",
                                                     order_by="ContractFile.id")


class ContractFile(Base):
    """A contract document (PDF or image), stored by content hash behind the file store."""

    __tablename__ = "contract_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="files", lazy="raise")


class Payment(Base):
    """Money received under a contract (到账). `counted` is False when the bank reference or
    invoice does not name the contract: such a payment is kept and flagged, not counted.

    A payment is declared by a broker with its evidence (the receipt or invoice file, the
    invoice number, the paying and receiving accounts) and confirmed by both parties; until
    then `confirmed_amount` is None and it counts towards nothing but the deal's stage.

    Until it is confirmed a broker may correct it (a new version the parties confirm again)
    or void it with a reason; a voided payment stays on file, struck through, and counts
    towards nothing. One bank reference names one payment on the whole platform: the
    reference's key (`reference_key`) is unique among payments not voided."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("uq_payments_reference_key_live", "reference_key", unique=True,
              sqlite_where=sql_text("voided_at IS NULL"),
              postgresql_where=sql_text("voided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    bank_reference: Mapped[str] = mapped_column(String(64))
    invoice_reference: Mapped[str] = mapped_column(String(200))
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # None only on payments recorded before evidence was required.
    invoice_no: Mapped[str | None] = mapped_column(String(64), default=None)
    payer_account: Mapped[str | None] = mapped_column(String(40), default=None)
    payee_account: Mapped[str | None] = mapped_column(String(40), default=None)
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("contract_files.id"),
                                                         default=None)
    evidence_version: Mapped[int] = mapped_column(Integer, default=1)
    evidence_status: Mapped[EvidenceStatus] = mapped_column(
        str_enum(EvidenceStatus, 16), default=EvidenceStatus.DECLARED, index=True)
    confirmed_amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    # The bank reference as compared for uniqueness (`reference_key_of`); None only on a
    # payment that repeated an earlier one's reference before references had to be unique.
    reference_key: Mapped[str | None] = mapped_column(String(64), default=None)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    void_reason: Mapped[str | None] = mapped_column(String(1000), default=None)
    # On a challenge award's deal: the milestone this payment pays (its schedule item). Such a
    # payment is the milestone's payment, recorded by the issuer and answered by the winner on
    # the challenge (`backend.deals.schedule`); it has no invoice file of its own.
    challenge_milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenge_milestones.id", use_alter=True,
                   name="fk_payments_challenge_milestone_id_challenge_milestones"),
        index=True, default=None)

    contract: Mapped[Contract] = relationship(back_populates="payments", lazy="raise")

    @validates("bank_reference")
    def _keep_reference_key(self, _key: str, value: str) -> str:
        self.reference_key = reference_key_of(value)
        return value

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def correctable(self) -> bool:
        """Neither voided nor confirmed by the parties: it counts for nothing yet (a
        milestone's payment is the challenge's to change, never the deal's)."""
        return (self.voided_at is None and self.evidence_status != EvidenceStatus.CONFIRMED
                and self.challenge_milestone_id is None)


def reference_key_of(bank_reference: str) -> str:
    """A bank reference as compared: without spaces, upper case (`icbc 2026-01` is
    `ICBC2026-01`)."""
    return "".join(bank_reference.split()).upper()


class EvidenceAnswer(Base):
    """One party's answer to one version of a declared item: who, when, confirm or dispute
    (with the reason). The latest answer of each side for the item's current version decides
    its status; answers to older versions stay as history."""

    __tablename__ = "evidence_answers"
    __table_args__ = (Index("ix_evidence_answers_item", "item_kind", "item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    item_kind: Mapped[EvidenceKind] = mapped_column(str_enum(EvidenceKind, 16))
    item_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    side: Mapped[EvidenceSide] = mapped_column(str_enum(EvidenceSide, 8))
    confirmed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(1000), default=None)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RegistryImport(Base):
    """One upload of the registration office's export by an administrator."""

    __tablename__ = "registry_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    mismatched: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class RegistryRecord(Base):
    """A registration as the office records it; the latest upload naming a number wins."""

    __tablename__ = "registry_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_no: Mapped[str] = mapped_column(String(32), unique=True)
    buyer_credit_code: Mapped[str] = mapped_column(String(18))
    seller_credit_code: Mapped[str] = mapped_column(String(18))
    contract_type: Mapped[ContractType] = mapped_column(str_enum(ContractType, 16))
    amount: Mapped[Decimal] = mapped_column(Money())
    registered_on: Mapped[date] = mapped_column(Date)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_imports.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(Base):
    """An in-app notification to one user."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
