"""Organisations, their people and identifiers, users and brokers: registration,
profile edits and verification by administrators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from backend.accounts import identity, membership, schemas
from backend.accounts.models import (
    BrokerLevel,
    BrokerProfile,
    Identifier,
    Officer,
    Organisation,
    OrgKind,
    Person,
    Shareholding,
    User,
    VerificationStatus,
)
from backend.audit import service as audit
from backend.core import paging
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.permissions import Role
from backend.core.security import hash_password
from backend.core.types import utcnow

ROLE_FOR_KIND = {OrgKind.FIRM: Role.FIRM, OrgKind.INSTITUTE: Role.INSTITUTE,
                 OrgKind.AGENCY: Role.BROKER, OrgKind.INVESTOR: Role.INVESTOR}


# --- people and identifiers: one row each -------------------------------------------------

def person_for(session: Session, data: schemas.PersonIn) -> Person:
    """The one row for this resident ID number (made on first sight).

    A name that differs from the one on file is accepted, never refused: a refusal would tell
    anyone who types an ID number whether it is on file, and under which name. The name as
    declared is kept where it was given (a user's audit entry, `Organisation.legal_rep_name`,
    `Officer.name`, `Shareholding.holder_name`) and shown instead of the name on file;
    administrators see where the two differ when they verify (`name_mismatches`)."""
    person = session.execute(
        select(Person).where(Person.id_number == data.id_number)).scalar_one_or_none()
    if person is None:
        person = Person(id_number=data.id_number, name=data.name)
        session.add(person)
        session.flush()
    return person


def identifier_for(session: Session, kind: identity.IdentifierKind, raw: str) -> Identifier:
    value = identity.NORMALISERS[kind](raw)
    found = session.execute(
        select(Identifier).where(Identifier.kind == kind, Identifier.value == value)
    ).scalar_one_or_none()
    if found is None:
        found = Identifier(kind=kind, value=value)
        session.add(found)
        session.flush()
    return found


# --- registration --------------------------------------------------------------------------

def _username_free(session: Session, username: str) -> None:
    if session.execute(select(User.id).where(User.username == username.lower())).first():
        raise Conflict("该用户名已被使用。This username is taken.",
                       errors=[{"field": "user.username", "message": "已被使用 taken"}])


def _new_user(session: Session, data: schemas.UserIn, role: Role,
              organisation: Organisation | None, person: Person | None) -> User:
    _username_free(session, data.username)
    user = User(username=data.username.lower(), display_name=data.display_name,
                email=str(data.email) if data.email else None,
                password_hash=hash_password(data.password), role=role,
                organisation_id=organisation.id if organisation else None,
                person_id=person.id if person else None)
    session.add(user)
    session.flush()
    return user


def _apply_organisation_details(session: Session, org: Organisation,
                                data: schemas.OrganisationIn | schemas.OrganisationUpdate
                                ) -> None:
    if data.name is not None:
        org.name = data.name
    if data.legal_representative is not None:
        org.legal_rep_id = person_for(session, data.legal_representative).id
        org.legal_rep_name = data.legal_representative.name
    if data.registered_address is not None:
        org.address_id = identifier_for(session, identity.IdentifierKind.ADDRESS,
                                        data.registered_address).id
        org.address_text = data.registered_address
    if data.phone is not None:
        org.phone_id = identifier_for(session, identity.IdentifierKind.PHONE, data.phone).id
    if data.email_domain is not None:
        org.email_domain_id = identifier_for(session, identity.IdentifierKind.EMAIL_DOMAIN,
                                             data.email_domain).id
    if data.bank_account is not None:
        org.bank_account_id = identifier_for(session, identity.IdentifierKind.BANK_ACCOUNT,
                                             data.bank_account).id
    if data.bank_name is not None:
        org.bank_name = data.bank_name
    if data.region is not None:
        org.region = data.region


def _replace_people(session: Session, org: Organisation,
                    shareholders: list[schemas.ShareholderIn] | None,
                    officers: list[schemas.OfficerIn] | None, prefix: str) -> None:
    if shareholders is not None:
        session.query(Shareholding).filter(Shareholding.organisation_id == org.id).delete()
        for i, holder in enumerate(shareholders):
            person = (person_for(session, schemas.PersonIn(name=holder.name,
                                                           id_number=holder.id_number))
                      if holder.id_number else None)
            if holder.credit_code == org.credit_code:
                raise InvalidInput(f"{prefix}.shareholders.{i}.credit_code",
                                   "机构不能持有自身股份。An organisation cannot hold itself.")
            session.add(Shareholding(organisation_id=org.id,
                                     person_id=person.id if person else None,
                                     holder_credit_code=holder.credit_code,
                                     holder_name=holder.name, percent=holder.percent))
    if officers is not None:
        session.query(Officer).filter(Officer.organisation_id == org.id).delete()
        seen: set[tuple[int, str]] = set()
        for officer in officers:
            person = person_for(session, officer)
            if (person.id, officer.position) in seen:
                continue
            seen.add((person.id, officer.position))
            session.add(Officer(organisation_id=org.id, person_id=person.id, name=officer.name,
                                position=officer.position))
    session.flush()


def create_organisation(session: Session, data: schemas.OrganisationIn,
                        kind: OrgKind | None = None, prefix: str = "organisation") -> Organisation:
    if session.execute(select(Organisation.id).where(
            Organisation.credit_code == data.credit_code)).first():
        raise Conflict("该统一社会信用代码已注册。This credit code is already registered.",
                       errors=[{"field": f"{prefix}.credit_code", "message": "已注册 registered"}])
    org = Organisation(kind=kind or data.kind, credit_code=data.credit_code)
    _apply_organisation_details(session, org, data)
    session.add(org)
    session.flush()
    _replace_people(session, org, data.shareholders, data.officers, prefix)
    return org


def _certificate_free(session: Session, certificate_no: str) -> None:
    if session.execute(select(BrokerProfile.user_id).where(
            BrokerProfile.certificate_no == certificate_no)).first():
        raise Conflict("该经纪人证书编号已登记。This certificate number is already registered.",
                       errors=[{"field": "broker.certificate_no", "message": "已登记 registered"}])


def _new_broker(session: Session, user: User, data: schemas.BrokerIn,
                agency: Organisation | None) -> BrokerProfile:
    profile = BrokerProfile(user_id=user.id, level=data.level, certificate_no=data.certificate_no,
                            fields=list(dict.fromkeys(data.fields)),
                            agency_id=agency.id if agency else None)
    session.add(profile)
    session.flush()
    return profile


def new_user(session: Session, data: schemas.UserIn, role: Role, person: Person | None
             ) -> User:
    """A user of no organisation (an expert): for other domains' registrations."""
    return _new_user(session, data, role, None, person)


def record_registration(session: Session, actor: audit.Actor, user: User,
                        declared: schemas.PersonIn | None) -> None:
    _registered(session, actor, user, declared)


def _registered(session: Session, actor: audit.Actor, user: User,
                declared: schemas.PersonIn | None) -> None:
    audit.record(session, actor, "user.register", "user", user.id,
                 after={"username": user.username, "role": user.role,
                        "organisation_id": user.organisation_id, "person_id": user.person_id,
                        "declared_name": declared.name if declared else None})


def register_organisation(session: Session, data: schemas.OrganisationRegistration,
                          ip: str | None) -> User:
    """A new organisation with its first user, who is its member at once.

    Everything that can be checked without the people's ID numbers is checked first (the
    username, the broker's certificate, the credit code), and the ID numbers themselves are
    never refused (see `person_for`): no answer depends on whether an ID number is on file."""
    _username_free(session, data.user.username)
    if data.broker is not None:
        _certificate_free(session, data.broker.certificate_no)
    org = create_organisation(session, data.organisation)
    person = person_for(session, data.person) if data.person else None
    user = _new_user(session, data.user, ROLE_FOR_KIND[org.kind], org, person)
    actor = audit.Actor(user.id, user.username, ip)
    audit.record(session, actor, "organisation.register", "organisation", org.id,
                 after=organisation_snapshot(session, org))
    if data.broker is not None:
        profile = _new_broker(session, user, data.broker, org)
        audit.record(session, actor, "broker.register", "broker", user.id,
                     after=broker_snapshot(profile))
    _registered(session, actor, user, data.person)
    return user


def register_broker(session: Session, data: schemas.BrokerRegistration,
                    ip: str | None) -> User:
    """A broker, independent, or joining an agency: with an invitation from it at once, by
    its credit code as a pending member until the agency (or an administrator) approves."""
    _username_free(session, data.user.username)
    _certificate_free(session, data.broker.certificate_no)
    target = membership.target(session, data.broker.invitation_code,
                               data.broker.agency_credit_code, broker=True)
    person = person_for(session, data.person)
    user = _new_user(session, data.user, Role.BROKER, None, person)
    profile = _new_broker(session, user, data.broker, None)
    actor = audit.Actor(user.id, user.username, ip)
    _registered(session, actor, user, data.person)
    audit.record(session, actor, "broker.register", "broker", user.id,
                 after=broker_snapshot(profile))
    if target is not None:
        membership.join(session, actor, user, target)
    return user


def register_member(session: Session, data: schemas.MemberRegistration, ip: str | None) -> User:
    """A user of an existing firm or institute: with an invitation a member at once, by the
    organisation's credit code a pending member until a member or administrator approves."""
    _username_free(session, data.user.username)
    target = membership.target(session, data.invitation_code, data.credit_code, broker=False)
    if target is None:  # the schema asks for one of the two
        raise InvalidInput("credit_code", "请填写机构的统一社会信用代码或邀请码。Give the "
                                          "organisation's credit code or an invitation code.")
    person = person_for(session, data.person) if data.person else None
    user = _new_user(session, data.user, ROLE_FOR_KIND[target.organisation.kind], None, person)
    actor = audit.Actor(user.id, user.username, ip)
    _registered(session, actor, user, data.person)
    membership.join(session, actor, user, target)
    return user


def create_admin(session: Session, username: str, password: str, display_name: str,
                 bureau: Organisation | None = None) -> User:
    data = schemas.UserIn(username=username, password=password, display_name=display_name)
    user = _new_user(session, data, Role.ADMIN, bureau, None)
    audit.record(session, audit.SYSTEM, "user.create_admin", "user", user.id,
                 after={"username": user.username, "role": user.role})
    return user


def ensure_bureau(session: Session, actor: audit.Actor, data: schemas.OrganisationIn
                  ) -> Organisation:
    """The bureau's organisation (科技主管部门) with this credit code: the one on file, or
    registered now (kind bureau, and verified: whoever runs the command vouches for it). A
    credit code registered to an organisation of another kind is refused (409)."""
    found = session.execute(select(Organisation).where(
        Organisation.credit_code == data.credit_code)).scalar_one_or_none()
    if found is not None:
        if found.kind != OrgKind.BUREAU:
            raise Conflict("该统一社会信用代码已登记为其他类型的机构，不是科技主管部门。This credit "
                           "code belongs to an organisation that is not the bureau.",
                           kind=found.kind.value)
        return found
    org = create_organisation(session, data, kind=OrgKind.BUREAU)
    audit.record(session, actor, "organisation.register", "organisation", org.id,
                 after=organisation_snapshot(session, org))
    return verify_organisation(session, actor, org, schemas.VerificationDecision(
        status=VerificationStatus.VERIFIED, note="由 techbroker create-admin 登记 registered by "
                                                 "techbroker create-admin"))


# --- reading ---------------------------------------------------------------------------------

def load_user(session: Session, user_id: int) -> User | None:
    return session.execute(
        select(User).where(User.id == user_id)
        .options(joinedload(User.organisation), joinedload(User.broker))
    ).unique().scalar_one_or_none()


def _organisation_query() -> Select[Organisation]:
    return select(Organisation).options(
        joinedload(Organisation.legal_rep), joinedload(Organisation.address),
        joinedload(Organisation.phone), joinedload(Organisation.email_domain),
        joinedload(Organisation.bank_account),
        selectinload(Organisation.shareholdings).joinedload(Shareholding.person),
        selectinload(Organisation.officers).joinedload(Officer.person))


def get_organisation(session: Session, org_id: int) -> Organisation:
    org = session.execute(_organisation_query().where(Organisation.id == org_id)
                          ).unique().scalar_one_or_none()
    if org is None:
        raise NotFound("未找到该机构。No such organisation.")
    return org


def may_see_private(viewer: User, org: Organisation) -> bool:
    return viewer.role == Role.ADMIN or viewer.organisation_id == org.id


def _mismatches(org: Organisation) -> list[schemas.NameMismatch]:
    """Where a name the organisation declared differs from the name on file for that ID."""
    found = []
    if org.legal_rep_name != org.legal_rep.name:
        found.append(schemas.NameMismatch(role=schemas.PersonRole.LEGAL_REPRESENTATIVE,
                                          declared=org.legal_rep_name, on_file=org.legal_rep.name))
    for s in org.shareholdings:
        if s.person is not None and s.holder_name != s.person.name:
            found.append(schemas.NameMismatch(role=schemas.PersonRole.SHAREHOLDER, declared=s.holder_name,
                                              on_file=s.person.name))
    for o in org.officers:
        if o.name != o.person.name:
            found.append(schemas.NameMismatch(role=schemas.PersonRole.OFFICER, declared=o.name,
                                              on_file=o.person.name))
    return found


def organisation_view(org: Organisation, viewer: User) -> schemas.OrganisationOut:
    """Full details for the organisation's own members and administrators.

    Names are shown as the organisation declared them; administrators also see where a
    declared name differs from the one on file. Resident ID numbers are masked for everyone:
    an administrator who needs one in full asks for it (`reveal_identity`), and that request
    is audited. Bank accounts are in full for administrators only.
    """
    full = viewer.role == Role.ADMIN
    mask_id = identity.mask_resident_id
    return schemas.OrganisationOut(
        id=org.id, name=org.name, kind=org.kind, region=org.region,
        verification_status=org.verification_status, credit_code=org.credit_code,
        legal_representative=org.legal_rep_name,
        legal_representative_id=mask_id(org.legal_rep.id_number),
        registered_address=org.address_text, phone=org.phone.value,
        email_domain=org.email_domain.value, bank_name=org.bank_name,
        bank_account=(None if org.bank_account is None else
                      org.bank_account.value if full else
                      identity.mask_bank_account(org.bank_account.value)),
        shareholders=[schemas.ShareholderOut(
            name=s.holder_name, percent=s.percent,
            kind="person" if s.person_id else "organisation",
            id_number=mask_id(s.person.id_number) if s.person else None,
            credit_code=s.holder_credit_code) for s in org.shareholdings],
        officers=[schemas.OfficerOut(name=o.name, position=o.position,
                                     id_number=mask_id(o.person.id_number))
                  for o in org.officers],
        verification_note=org.verification_note, verified_at=org.verified_at,
        created_at=org.created_at, name_mismatches=_mismatches(org) if full else None)


def reveal_identity(session: Session, actor: audit.Actor, org: Organisation
                    ) -> schemas.IdentityOut:
    """The organisation's resident ID numbers in full, for an administrator checking related
    parties; the audit log records who looked, and when (not the numbers)."""
    people = [schemas.PersonIdentity(role=schemas.PersonRole.LEGAL_REPRESENTATIVE, name=org.legal_rep.name,
                                     id_number=org.legal_rep.id_number)]
    people += [schemas.PersonIdentity(role=schemas.PersonRole.SHAREHOLDER, name=s.holder_name,
                                      id_number=s.person.id_number)
               for s in org.shareholdings if s.person is not None]
    people += [schemas.PersonIdentity(role=schemas.PersonRole.OFFICER, name=o.person.name,
                                      id_number=o.person.id_number) for o in org.officers]
    audit.record(session, actor, "organisation.reveal_identity", "organisation", org.id,
                 after={"people": len(people)})
    return schemas.IdentityOut(organisation_id=org.id, people=people)


def organisation_snapshot(session: Session, org: Organisation) -> dict[str, object]:
    """Who the organisation is, as the audit log keeps it: the values people compare (names,
    the address as typed, the identifiers' normalised values, the bank account masked as
    members see it) with the row ids the related-party rules join on. Lists are sorted, so
    the same people in another order are the same."""
    session.flush()
    identifier_ids = [i for i in (org.address_id, org.phone_id, org.email_domain_id,
                                  org.bank_account_id) if i is not None]
    values = {row.id: row.value for row in session.execute(
        select(Identifier.id, Identifier.value).where(Identifier.id.in_(identifier_ids)))}
    holders = session.execute(
        select(Shareholding.holder_name, Shareholding.person_id, Shareholding.holder_credit_code,
               Shareholding.percent).where(Shareholding.organisation_id == org.id)).all()
    officers = session.execute(
        select(Person.name, Officer.person_id, Officer.position).join(
            Person, Person.id == Officer.person_id).where(Officer.organisation_id == org.id)).all()
    rep_name = session.execute(select(Person.name).where(Person.id == org.legal_rep_id)
                               ).scalar_one_or_none()
    bank = values.get(org.bank_account_id) if org.bank_account_id is not None else None
    return {
        "name": org.name, "kind": org.kind, "credit_code": org.credit_code,
        "legal_representative": {"person_id": org.legal_rep_id, "name": rep_name},
        "registered_address": {"text": org.address_text, "identifier_id": org.address_id},
        "phone": {"value": values.get(org.phone_id), "identifier_id": org.phone_id},
        "email_domain": {"value": values.get(org.email_domain_id),
                         "identifier_id": org.email_domain_id},
        "bank_name": org.bank_name,
        "bank_account": None if bank is None else {
            "value": identity.mask_bank_account(bank), "identifier_id": org.bank_account_id},
        "region": org.region,
        "shareholders": sorted(
            ({"name": name, "person_id": person_id, "credit_code": code,
              "percent": str(Decimal(percent).quantize(Decimal("0.0001")))}
             for name, person_id, code, percent in holders),
            key=lambda h: (str(h["name"]), h["person_id"] or 0, h["credit_code"] or "")),
        "officers": sorted(
            ({"name": name, "person_id": person_id, "position": position}
             for name, person_id, position in officers),
            key=lambda o: (o["person_id"], str(o["position"]))),
        "verification_status": org.verification_status,
    }


def broker_snapshot(profile: BrokerProfile) -> dict[str, object]:
    return {"level": profile.level, "certificate_no": profile.certificate_no,
            "fields": profile.fields, "agency_id": profile.agency_id,
            "verification_status": profile.verification_status}


def list_organisations(session: Session, status: VerificationStatus | None,
                       kind: OrgKind | None, page: int, page_size: int
                       ) -> tuple[Sequence[Organisation], int]:
    query = select(Organisation)
    if status is not None:
        query = query.where(Organisation.verification_status == status)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    return paging.page_of(session, query.order_by(Organisation.created_at, Organisation.id),
                          page, page_size)


# --- changes -----------------------------------------------------------------------------

# Who the organisation is: what verification checked and what the related-party rules compare
# (people, address, phone, e-mail domain, bank account). A change to any of them sends a
# verified organisation back for review.
IDENTITY = frozenset({"name", "legal_representative", "shareholders", "officers",
                      "registered_address", "phone", "email_domain", "bank_name",
                      "bank_account"})
PENDING_NOTE = "资料变更，待重新审核。Details changed; awaiting re-verification."


def update_organisation(session: Session, actor: audit.Actor, org: Organisation,
                        data: schemas.OrganisationUpdate) -> Organisation:
    """Edit an organisation; a change to who it is sends it back for verification. The audit
    entry holds each changed value before and after; an edit that changes nothing records
    nothing."""
    before = organisation_snapshot(session, org)
    _apply_organisation_details(session, org, data)
    _replace_people(session, org, data.shareholders, data.officers, "")
    after = organisation_snapshot(session, org)
    changed = {key for key in after if after[key] != before[key]}
    if changed & IDENTITY and org.verification_status == VerificationStatus.VERIFIED:
        org.verification_status = VerificationStatus.PENDING
        org.verification_note = PENDING_NOTE
        after["verification_status"] = org.verification_status
        changed.add("verification_status")
    session.flush()
    if changed:
        audit.record(session, actor, "organisation.update", "organisation", org.id,
                     before={k: before[k] for k in sorted(changed)},
                     after={k: after[k] for k in sorted(changed)})
    session.expire(org)
    return get_organisation(session, org.id)


def verify_organisation(session: Session, actor: audit.Actor, org: Organisation,
                        decision: schemas.VerificationDecision) -> Organisation:
    before = {"verification_status": org.verification_status, "note": org.verification_note}
    org.verification_status = decision.status
    org.verification_note = decision.note
    org.verified_at = utcnow()
    org.verified_by_id = actor.user_id
    audit.record(session, actor, f"organisation.{decision.status.value}", "organisation",
                 org.id, before=before,
                 after={"verification_status": org.verification_status, "note": decision.note})
    return org


@dataclass(frozen=True)
class BrokerRow:
    profile: BrokerProfile
    user: User


def bureau_organisation_id(session: Session, acting: User | None = None) -> int | None:
    """The bureau's organisation (科技主管部门, kind `bureau`, verified), registered once: the
    acting administrator's own when it is one, else the first on file; None when there is
    none. It is the party the bureau is in a deal (its challenges' awards)."""
    if acting is not None and acting.organisation_id is not None:
        own = session.execute(select(Organisation.id).where(
            Organisation.id == acting.organisation_id, Organisation.kind == OrgKind.BUREAU,
            Organisation.verification_status == VerificationStatus.VERIFIED)).scalar_one_or_none()
        if own is not None:
            return own
    return session.execute(select(Organisation.id).where(
        Organisation.kind == OrgKind.BUREAU,
        Organisation.verification_status == VerificationStatus.VERIFIED)
        .order_by(Organisation.id).limit(1)).scalar_one_or_none()


def get_broker(session: Session, user_id: int) -> BrokerRow:
    row = session.execute(
        select(BrokerProfile, User).join(User, User.id == BrokerProfile.user_id)
        .where(BrokerProfile.user_id == user_id)
        .options(joinedload(BrokerProfile.agency))).first()
    if row is None:
        raise NotFound("未找到该经纪人。No such broker.")
    return BrokerRow(row[0], row[1])


def list_brokers(session: Session, status: VerificationStatus | None, page: int,
                 page_size: int) -> tuple[list[BrokerRow], int]:
    query = select(BrokerProfile, User).join(User, User.id == BrokerProfile.user_id)
    if status is not None:
        query = query.where(BrokerProfile.verification_status == status)
    rows, total = paging.rows_page(session, query.options(joinedload(BrokerProfile.agency))
                                   .order_by(User.created_at, User.id), page, page_size)
    return [BrokerRow(p, u) for p, u in rows], total


BROKER_SEARCH_LIMIT = 20


def search_verified_brokers(session: Session, q: str, limit: int = BROKER_SEARCH_LIMIT
                            ) -> list[schemas.BrokerNameOut]:
    """Active, verified brokers whose name (or agency's name) contains `q`, names that start
    with it first; at most `limit`."""
    words = q.strip()
    if not words:
        return []
    agency = aliased(Organisation)
    lowered = words.lower()
    rows = session.execute(
        select(User.id, User.display_name, agency.name, BrokerProfile.level)
        .join(BrokerProfile, BrokerProfile.user_id == User.id)
        .outerjoin(agency, agency.id == BrokerProfile.agency_id)
        .where(User.is_active.is_(True),
               BrokerProfile.verification_status == VerificationStatus.VERIFIED,
               or_(func.lower(User.display_name).contains(lowered, autoescape=True),
                   func.lower(agency.name).contains(lowered, autoescape=True)))
        .order_by(User.display_name.startswith(words, autoescape=True).desc(),
                  User.display_name, User.id)
        .limit(limit)).all()
    return [schemas.BrokerNameOut(id=i, display_name=name, agency_name=agency_name,
                                  level=BrokerLevel(level))
            for i, name, agency_name, level in rows]


def verify_broker(session: Session, actor: audit.Actor, row: BrokerRow,
                  decision: schemas.VerificationDecision) -> BrokerRow:
    profile = row.profile
    before = broker_snapshot(profile)
    profile.verification_status = decision.status
    profile.verification_note = decision.note
    profile.verified_at = utcnow()
    profile.verified_by_id = actor.user_id
    audit.record(session, actor, f"broker.{decision.status.value}", "broker", profile.user_id,
                 before=before, after=broker_snapshot(profile))
    return row


def broker_view(row: BrokerRow) -> schemas.BrokerOut:
    p = row.profile
    return schemas.BrokerOut(
        user_id=p.user_id, username=row.user.username, display_name=row.user.display_name,
        level=p.level, certificate_no=p.certificate_no, fields=p.fields, agency_id=p.agency_id,
        agency_name=p.agency.name if p.agency else None,
        verification_status=p.verification_status, verification_note=p.verification_note)


def is_verified_broker(user: User) -> bool:
    return (user.role == Role.BROKER and user.broker is not None
            and user.broker.verification_status == VerificationStatus.VERIFIED)


def declared_names(session: Session, org_ids: Sequence[int]) -> dict[int, str]:
    """Person id → the name an organisation declared for them (legal representative, officer,
    shareholder), for explanations such as a conflict of interest's "同一股东 张某"."""
    names: dict[int, str] = {}
    if not org_ids:
        return names
    for person_id, name in session.execute(select(Organisation.legal_rep_id,
                                                  Organisation.legal_rep_name)
                                           .where(Organisation.id.in_(org_ids))):
        names.setdefault(person_id, name)
    for person_id, name in session.execute(select(Officer.person_id, Officer.name)
                                           .where(Officer.organisation_id.in_(org_ids))):
        names.setdefault(person_id, name)
    for holder_id, name in session.execute(
            select(Shareholding.person_id, Shareholding.holder_name).where(
                Shareholding.organisation_id.in_(org_ids), Shareholding.person_id.is_not(None))):
        if holder_id is not None:
            names.setdefault(holder_id, name)
    return names


def holder_names(session: Session, org_ids: Sequence[int]) -> dict[str, str]:
    """Corporate shareholders' credit code → declared name, for explanations."""
    if not org_ids:
        return {}
    return {code: name for code, name in session.execute(
        select(Shareholding.holder_credit_code, Shareholding.holder_name).where(
            Shareholding.organisation_id.in_(org_ids),
            Shareholding.holder_credit_code.is_not(None))) if code is not None}


def organisation_names(session: Session, org_ids: Sequence[int]) -> dict[int, str]:
    if not org_ids:
        return {}
    return {org_id: name for org_id, name in session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids)))}
