"""Request and response shapes for accounts."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, EmailStr, Field, StringConstraints, field_validator, model_validator

from backend.accounts import credit_code, identity
from backend.accounts.models import (
    BrokerLevel,
    JoinStatus,
    OfficerPosition,
    OrgKind,
    VerificationStatus,
)
from backend.core.permissions import Role
from backend.core.schemas import FreeText, Name, Schema, ShortName


def _credit_code(value: str) -> str:
    try:
        return credit_code.validate(value)
    except credit_code.InvalidCreditCode as exc:
        raise ValueError(str(exc)) from exc


def _resident_id(value: str) -> str:
    try:
        return identity.resident_id(value)
    except identity.InvalidIdentifier as exc:
        raise ValueError(str(exc)) from exc


def _normalised(kind: identity.IdentifierKind) -> AfterValidator:
    def check(value: str) -> str:
        try:
            identity.NORMALISERS[kind](value)
        except identity.InvalidIdentifier as exc:
            raise ValueError(str(exc)) from exc
        return value.strip()

    return AfterValidator(check)


CreditCode = Annotated[str, FreeText(max_length=64), AfterValidator(_credit_code)]
ResidentId = Annotated[str, FreeText(max_length=64), AfterValidator(_resident_id)]
# Identifiers are cleaned like any text before they are normalised: an invisible character
# would otherwise make a second "same" phone or address that the related-party rules miss.
Address = Annotated[str, FreeText(max_length=255), _normalised(identity.IdentifierKind.ADDRESS)]
Phone = Annotated[str, FreeText(max_length=32), _normalised(identity.IdentifierKind.PHONE)]
EmailDomain = Annotated[str, FreeText(max_length=253),
                        _normalised(identity.IdentifierKind.EMAIL_DOMAIN)]
BankAccount = Annotated[str, FreeText(max_length=40),
                        _normalised(identity.IdentifierKind.BANK_ACCOUNT)]
BankName = Annotated[str, FreeText(max_length=100)]
Note = Annotated[str, FreeText(max_length=500, multiline=True)]
Username = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
Percent = Annotated[Decimal, Field(gt=0, le=100, max_digits=7, decimal_places=4)]
# Codes are `secrets.token_urlsafe` output: a pattern, so there is no free text to clean (spaces
# around a pasted code are dropped first).
InvitationCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8,
                                                  max_length=64, pattern=r"^[A-Za-z0-9_-]+$"),
                           Field(description="a one-time code from an organisation's member")]


def _holdings_at_most_100(value: list[ShareholderIn]) -> list[ShareholderIn]:
    if sum((s.percent for s in value), Decimal(0)) > 100:
        raise ValueError("股东持股比例合计不能超过100%。Shareholdings add up to more than 100%.")
    return value


class PersonIn(Schema):
    name: ShortName
    id_number: ResidentId


class ShareholderIn(Schema):
    name: Name
    percent: Percent
    id_number: ResidentId | None = None
    credit_code: CreditCode | None = None

    @model_validator(mode="after")
    def _one_holder(self) -> ShareholderIn:
        if (self.id_number is None) == (self.credit_code is None):
            raise ValueError("股东须填写身份证号（自然人）或统一社会信用代码（企业）其中之一。"
                             "Give a shareholder either an ID number or a credit code, not both.")
        return self


class OfficerIn(PersonIn):
    position: OfficerPosition


class OrganisationIn(Schema):
    kind: Literal[OrgKind.FIRM, OrgKind.INSTITUTE, OrgKind.AGENCY, OrgKind.INVESTOR]
    name: Name
    credit_code: CreditCode
    legal_representative: PersonIn
    shareholders: list[ShareholderIn] = Field(default_factory=list, max_length=200)
    officers: list[OfficerIn] = Field(default_factory=list, max_length=200)
    registered_address: Address
    phone: Phone
    email_domain: EmailDomain
    bank_name: BankName | None = None
    bank_account: BankAccount | None = None
    region: ShortName

    @field_validator("shareholders")
    @classmethod
    def _holdings_at_most_100(cls, value: list[ShareholderIn]) -> list[ShareholderIn]:
        return _holdings_at_most_100(value)


class OrganisationUpdate(Schema):
    name: Name | None = None
    legal_representative: PersonIn | None = None
    shareholders: list[ShareholderIn] | None = Field(default=None, max_length=200)
    officers: list[OfficerIn] | None = Field(default=None, max_length=200)
    registered_address: Address | None = None
    phone: Phone | None = None
    email_domain: EmailDomain | None = None
    bank_name: BankName | None = None
    bank_account: BankAccount | None = None
    region: ShortName | None = None

    @field_validator("shareholders")
    @classmethod
    def _holdings_at_most_100(cls, value: list[ShareholderIn] | None) -> list[ShareholderIn] | None:
        return None if value is None else _holdings_at_most_100(value)


class UserIn(Schema):
    username: Username
    password: Annotated[str, Field(min_length=8, max_length=128)]
    display_name: ShortName
    email: EmailStr | None = None

    @field_validator("password")
    @classmethod
    def _strong_enough(cls, value: str) -> str:
        if not (re.search(r"[A-Za-z]", value) and re.search(r"\d", value)):
            raise ValueError("密码至少8位，须同时包含字母和数字。"
                             "Use at least 8 characters with both letters and digits.")
        return value


class BrokerIn(Schema):
    level: BrokerLevel
    certificate_no: Annotated[str, Field(min_length=4, max_length=64,
                                         pattern=r"^[A-Za-z0-9-]+$")]
    fields: list[ShortName] = Field(default_factory=list, max_length=20)
    agency_credit_code: CreditCode | None = Field(
        default=None, description="join this agency once it approves")
    invitation_code: InvitationCode | None = Field(
        default=None, description="join the agency that invited you, at once")

    @model_validator(mode="after")
    def _one_way_in(self) -> BrokerIn:
        if self.agency_credit_code and self.invitation_code:
            raise ValueError("机构信用代码和邀请码请只填其一。Give the agency's credit code or an "
                             "invitation code, not both.")
        return self


class OrganisationRegistration(Schema):
    organisation: OrganisationIn
    user: UserIn
    person: PersonIn | None = None
    broker: BrokerIn | None = None

    @model_validator(mode="after")
    def _agency_users_are_brokers(self) -> OrganisationRegistration:
        if self.organisation.kind == OrgKind.AGENCY and (self.broker is None or
                                                         self.person is None):
            raise ValueError("技术转移机构注册须同时填写经纪人资料和本人身份信息。"
                             "An agency registers with its first broker's profile and identity.")
        return self


class BrokerRegistration(Schema):
    user: UserIn
    person: PersonIn
    broker: BrokerIn


class MemberRegistration(Schema):
    """A user joining an existing firm or institute: by its credit code (pending until a
    member or an administrator approves) or with an invitation code (a member at once)."""

    user: UserIn
    person: PersonIn | None = None
    credit_code: CreditCode | None = None
    invitation_code: InvitationCode | None = None

    @model_validator(mode="after")
    def _one_way_in(self) -> MemberRegistration:
        if (self.credit_code is None) == (self.invitation_code is None):
            raise ValueError("请填写机构的统一社会信用代码或邀请码（二选一）。Give the organisation's "
                             "credit code or an invitation code (one of them).")
        return self


class TokenOut(Schema):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 — the OAuth2 token type, not a secret
    expires_in: int


class RefreshIn(Schema):
    refresh_token: Annotated[str, Field(min_length=10, max_length=200)]


class OrganisationBrief(Schema):
    id: int
    name: str
    kind: OrgKind
    region: str
    verification_status: VerificationStatus


class BrokerBrief(Schema):
    level: BrokerLevel
    certificate_no: str
    fields: list[str]
    agency_id: int | None
    verification_status: VerificationStatus


class JoinRequestBrief(Schema):
    """The user's own latest request to join an organisation."""

    id: int
    organisation_name: str
    status: JoinStatus
    created_at: datetime


class Me(Schema):
    id: int
    username: str
    display_name: str
    email: str | None
    role: Role
    organisation: OrganisationBrief | None
    broker: BrokerBrief | None
    join_request: JoinRequestBrief | None = None


class ShareholderOut(Schema):
    name: str
    percent: Decimal
    kind: Literal["person", "organisation"]
    id_number: str | None = None
    credit_code: str | None = None


class OfficerOut(Schema):
    name: str
    position: OfficerPosition
    id_number: str | None = None


class PersonRole(StrEnum):
    """Whose identity number a person record holds: the legal representative, a shareholder,
    an officer."""

    LEGAL_REPRESENTATIVE = "legal_representative"
    SHAREHOLDER = "shareholder"
    OFFICER = "officer"


class NameMismatch(Schema):
    """A name the organisation declared for an ID number that is on file under another name."""

    role: PersonRole
    declared: str
    on_file: str


class OrganisationOut(OrganisationBrief):
    """An organisation as its own members and administrators see it; personal data masked
    unless the viewer is entitled (see service.organisation_view)."""

    credit_code: str
    legal_representative: str
    legal_representative_id: str
    registered_address: str
    phone: str
    email_domain: str
    bank_name: str | None
    bank_account: str | None
    shareholders: list[ShareholderOut]
    officers: list[OfficerOut]
    verification_note: str | None
    verified_at: datetime | None
    created_at: datetime
    name_mismatches: list[NameMismatch] | None = Field(
        default=None, description="administrators only")


class JoinRequestOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    user_id: int
    username: str
    display_name: str
    email: str | None
    role: Role
    broker_level: BrokerLevel | None
    broker_certificate_no: str | None
    status: JoinStatus
    created_at: datetime
    decided_at: datetime | None
    note: str | None


class JoinDecision(Schema):
    note: Annotated[str, FreeText(max_length=500, multiline=True)] | None = None


class MemberInvitationOut(Schema):
    id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


class MemberInvitationCreated(MemberInvitationOut):
    code: str = Field(description="shown only now: hand it to the person you invite")


class PersonIdentity(Schema):
    role: PersonRole
    name: str
    id_number: str


class IdentityOut(Schema):
    """An organisation's resident ID numbers in full (administrators, audited)."""

    organisation_id: int
    people: list[PersonIdentity]


class VerificationDecision(Schema):
    status: Literal[VerificationStatus.VERIFIED, VerificationStatus.REJECTED]
    note: Note | None = None

    @model_validator(mode="after")
    def _reason_for_rejection(self) -> VerificationDecision:
        if self.status == VerificationStatus.REJECTED and not (self.note or "").strip():
            raise ValueError("驳回时须说明理由。Say why when rejecting.")
        return self


class BrokerNameOut(Schema):
    """A verified broker as others pick them by name (to invite onto a deal, to assign)."""

    id: int
    display_name: str
    agency_name: str | None
    level: BrokerLevel


class BrokerOut(Schema):
    user_id: int
    username: str
    display_name: str
    level: BrokerLevel
    certificate_no: str
    fields: list[str]
    agency_id: int | None
    agency_name: str | None
    verification_status: VerificationStatus
    verification_note: str | None
