"""Typed builders for organisations, users and brokers, and tokens to act as them."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend.accounts import credit_code, identity, schemas, service, sessions
from backend.accounts.models import (
    BrokerLevel,
    BrokerProfile,
    Organisation,
    OrgKind,
    User,
    VerificationStatus,
)
from backend.core.permissions import Role
from backend.core.security import hash_password

PASSWORD = "Passw0rd-test"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing once keeps Argon2's cost out of every test
_seq = itertools.count(1)
_rng = random.Random(20261123)


def new_credit_code() -> str:
    body = "".join(_rng.choice(credit_code.CHARSET) for _ in range(9))
    return credit_code.complete(f"91{_rng.randint(110000, 659999)}{body}")


def new_resident_id() -> str:
    year = _rng.randint(1960, 2000)
    return identity.complete_resident_id(
        f"350102{year}{_rng.randint(1, 12):02d}{_rng.randint(1, 28):02d}{_rng.randint(100, 999)}")


def person(name: str | None = None, id_number: str | None = None) -> schemas.PersonIn:
    return schemas.PersonIn(name=name or f"张{next(_seq)}", id_number=id_number or new_resident_id())


def organisation_in(kind: OrgKind = OrgKind.FIRM, **overrides: object) -> schemas.OrganisationIn:
    n = next(_seq)
    data: dict[str, object] = {
        "kind": kind,
        "name": f"测试机构{n}有限公司",
        "credit_code": new_credit_code(),
        "legal_representative": person(),
        "registered_address": f"福建省福州市鼓楼区测试路{n}号",
        "phone": f"0591-8{n:07d}",
        "email_domain": f"org{n}.example.cn",
        "bank_account": f"6222{n:012d}",
        "bank_name": "中国工商银行福州分行",
        "region": "福州市",
    }
    data.update(overrides)
    return schemas.OrganisationIn.model_validate(data)


def make_org(db: Session, kind: OrgKind = OrgKind.FIRM, verified: bool = True,
             **overrides: object) -> Organisation:
    org = service.create_organisation(db, organisation_in(kind, **overrides))
    if verified:
        org.verification_status = VerificationStatus.VERIFIED
    db.flush()
    return org


def make_bureau(db: Session, **overrides: object) -> Organisation:
    """The bureau's organisation (科技主管部门), registered once and verified: the party its
    challenges' deals have on the demand side."""
    org = service.create_organisation(db, organisation_in(OrgKind.INSTITUTE, **overrides),
                                      kind=OrgKind.BUREAU)
    org.verification_status = VerificationStatus.VERIFIED
    db.flush()
    return org


def make_user(db: Session, role: Role, organisation: Organisation | None = None,
              username: str | None = None, person_id: int | None = None) -> User:
    user = User(username=username or f"{role.value}{next(_seq)}", display_name="测试用户",
                password_hash=_PASSWORD_HASH, role=role,
                organisation_id=organisation.id if organisation else None, person_id=person_id)
    db.add(user)
    db.flush()
    return user


def make_firm_user(db: Session, **org: object) -> User:
    return make_user(db, Role.FIRM, make_org(db, OrgKind.FIRM, **org))


def make_institute_user(db: Session, **org: object) -> User:
    return make_user(db, Role.INSTITUTE, make_org(db, OrgKind.INSTITUTE, **org))


def make_admin(db: Session) -> User:
    return make_user(db, Role.ADMIN)


def make_broker(db: Session, verified: bool = True, fields: list[str] | None = None,
                agency: Organisation | None = None,
                level: BrokerLevel = BrokerLevel.INTERMEDIATE) -> User:
    who = service.person_for(db, person())
    user = make_user(db, Role.BROKER, agency, person_id=who.id)
    db.add(BrokerProfile(user_id=user.id, level=level, certificate_no=f"JJR-{next(_seq):06d}",
                         fields=fields or ["电子信息"], agency_id=agency.id if agency else None,
                         verification_status=(VerificationStatus.VERIFIED if verified
                                              else VerificationStatus.PENDING)))
    db.flush()
    return user


@dataclass(frozen=True)
class Login:
    user: User
    headers: dict[str, str]
    refresh_token: str


def login_as(db: Session, user: User) -> Login:
    tokens = sessions.issue_tokens(db, user, "127.0.0.1", "pytest")
    db.flush()
    return Login(user, {"Authorization": f"Bearer {tokens.access_token}"}, tokens.refresh_token)
