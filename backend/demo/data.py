"""Demo market for `techbroker seed-demo`: a bureau, firms, institutes, an agency, brokers.

Everything is invented: names, codes and ID numbers are generated with valid check
characters, and no real person's data is used.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts import credit_code, identity, membership, schemas, service
from backend.accounts.models import (
    BrokerLevel,
    Organisation,
    OrgKind,
    User,
    VerificationStatus,
)
from backend.audit.service import SYSTEM
from backend.core.types import utcnow
from backend.db import session_scope
from backend.demo.capital import seed_capital
from backend.demo.chains import seed_chains
from backend.demo.challenges import seed_challenges
from backend.demo.experts import EXPERTS, seed_experts
from backend.demo.intake import seed_intake
from backend.demo.listings import seed_listings
from backend.demo.rewards import seed_rewards

DEMO_PASSWORD = "Demo12345"
ADMIN_PASSWORD = "Admin12345"

FIRMS = [
    ("福州智造装备有限公司", "福州市", "firm1"),
    ("厦门新材科技股份有限公司", "厦门市", "firm2"),
    ("泉州绿能环保科技有限公司", "泉州市", "firm3"),
    ("漳州海生生物医药有限公司", "漳州市", "firm4"),
    ("莆田鞋服智能制造有限公司", "莆田市", "firm5"),
]
INSTITUTES = [
    ("闽江理工大学", "福州市", "inst1"),
    ("东南海洋研究院", "厦门市", "inst2"),
    ("福建省先进材料研究所", "福州市", "inst3"),
    ("泉州工业技术研究院", "泉州市", "inst4"),
]
INVESTORS = [
    ("海峡科创投资基金有限公司", "福州市", "investor1"),
]
AGENCY = ("海峡技术转移中心有限公司", "福州市")
BROKERS = [
    ("broker1", "陈思远", BrokerLevel.SENIOR, ["智能装备", "电子信息"]),
    ("broker2", "林晓雯", BrokerLevel.INTERMEDIATE, ["新材料", "化工"]),
    ("broker3", "黄志强", BrokerLevel.JUNIOR, ["生物医药", "现代农业", "食品"]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    who: str


class _Faker:
    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.n = 0

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN)
                                                   for _ in range(self.rng.randint(1, 2)))

    def resident_id(self) -> str:
        area = self.rng.choice(["350102", "350203", "350503", "350602", "350322"])
        birth = f"{self.rng.randint(1962, 1998)}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}"
        return identity.complete_resident_id(f"{area}{birth}{self.rng.randint(100, 999)}")

    def credit_code(self, kind: OrgKind) -> str:
        prefix = "12" if kind == OrgKind.INSTITUTE else "91"
        body = "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        return credit_code.complete(f"{prefix}350100{body}")

    def person(self) -> schemas.PersonIn:
        return schemas.PersonIn(name=self.name(), id_number=self.resident_id())

    def organisation(self, kind: OrgKind, name: str, region: str) -> schemas.OrganisationIn:
        self.n += 1
        boss = self.person()
        return schemas.OrganisationIn(
            kind=kind, name=name, credit_code=self.credit_code(kind), legal_representative=boss,
            shareholders=([schemas.ShareholderIn(name=boss.name, id_number=boss.id_number,
                                                 percent=self.rng.choice([51, 60, 70, 100]))]
                          if kind != OrgKind.INSTITUTE else []),
            officers=[schemas.OfficerIn(position="director", **self.person().model_dump()),
                      schemas.OfficerIn(position="senior_manager", **self.person().model_dump())],
            registered_address=f"福建省{region}{self.rng.choice(['高新区', '鼓楼区', '思明区', '丰泽区'])}"
                               f"科技路{self.rng.randint(1, 999)}号",
            phone=f"0591-{self.rng.randint(80000000, 89999999)}",
            email_domain=f"demo{self.n}.example.cn",
            bank_name="中国建设银行福建省分行",
            bank_account=f"3505{self.rng.randint(10**15, 10**16 - 1)}",
            region=region)


def _verified(org: Organisation) -> None:
    org.verification_status = VerificationStatus.VERIFIED
    org.verified_at = utcnow()


def seed_accounts(session: Session, fake: _Faker) -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    bureau = service.create_organisation(
        session, fake.organisation(OrgKind.INSTITUTE, "福州市科学技术局", "福州市"),
        kind=OrgKind.BUREAU)
    _verified(bureau)
    service.create_admin(session, "admin", ADMIN_PASSWORD, "科技局管理员", bureau)
    service.create_admin(session, "admin2", ADMIN_PASSWORD, "科技局复核员", bureau)
    logins += [DemoLogin("admin", "admin", ADMIN_PASSWORD, "福州市科学技术局（审核）"),
               DemoLogin("admin", "admin2", ADMIN_PASSWORD, "福州市科学技术局（复核/支付）")]
    for kind, rows in ((OrgKind.FIRM, FIRMS), (OrgKind.INSTITUTE, INSTITUTES),
                       (OrgKind.INVESTOR, INVESTORS)):
        for name, region, username in rows:
            reg = schemas.OrganisationRegistration(
                organisation=fake.organisation(kind, name, region),
                user=schemas.UserIn(username=username, password=DEMO_PASSWORD,
                                    display_name=fake.name()))
            user = service.register_organisation(session, reg, None)
            _verified(service.get_organisation(session, user.organisation_id or 0))
            logins.append(DemoLogin(kind.value, username, DEMO_PASSWORD, name))
    agency = service.create_organisation(session, fake.organisation(OrgKind.AGENCY, *AGENCY))
    _verified(agency)
    for username, display, level, fields in BROKERS:
        broker_reg = schemas.BrokerRegistration(
            user=schemas.UserIn(username=username, password=DEMO_PASSWORD, display_name=display),
            person=schemas.PersonIn(name=display, id_number=fake.resident_id()),
            broker=schemas.BrokerIn(level=level, certificate_no=f"FJJJR-2026-{len(logins):04d}",
                                    fields=fields, agency_credit_code=agency.credit_code))
        user = service.register_broker(session, broker_reg, None)
        request = membership.pending_request_of(session, user.id)
        if request is not None:  # the demo brokers are the agency's members
            membership.decide(session, SYSTEM, agency, request.id, True, "演示数据 demo")
        row = service.get_broker(session, user.id)
        service.verify_broker(session, SYSTEM, row, schemas.VerificationDecision(
            status=VerificationStatus.VERIFIED, note="演示数据 demo"))
        logins.append(DemoLogin("broker", username, DEMO_PASSWORD, f"{display}（{AGENCY[0]}）"))
    return logins


def seed(force: bool = False) -> list[DemoLogin]:
    with session_scope() as session:
        if session.execute(select(func.count()).select_from(User)).scalar_one() and not force:
            print("demo data already present; logins:")
            logins = _known_logins()
        else:
            logins = seed_accounts(session, _Faker())
            seed_listings(session)
            seed_rewards(session)
            seed_intake(session)
            seed_experts(session, DEMO_PASSWORD)
            seed_challenges(session)
            seed_chains(session)
            seed_capital(session)
            logins += [DemoLogin("expert", u, DEMO_PASSWORD, f"{n}（{o}）")
                       for u, n, _, o, _, _ in EXPERTS]
    for login in logins:
        print(f"  {login.role:<10} {login.username:<10} {login.password:<12} {login.who}")
    return logins


def _known_logins() -> list[DemoLogin]:
    return ([DemoLogin("admin", u, ADMIN_PASSWORD, "福州市科学技术局") for u in ("admin", "admin2")]
            + [DemoLogin("firm", u, DEMO_PASSWORD, n) for n, _, u in FIRMS]
            + [DemoLogin("institute", u, DEMO_PASSWORD, n) for n, _, u in INSTITUTES]
            + [DemoLogin("investor", u, DEMO_PASSWORD, n) for n, _, u in INVESTORS]
            + [DemoLogin("broker", u, DEMO_PASSWORD, d) for u, d, _, _ in BROKERS]
            + [DemoLogin("expert", u, DEMO_PASSWORD, f"{n}（{o}）")
               for u, n, _, o, _, _ in EXPERTS])
