"""Seed the e2e database: the demo accounts (no listings), plus a firm and an institute that
share a legal representative, for the related-party journey. Run as a module with the
server's environment (`python -m tests.e2e.seed`)."""

from __future__ import annotations

from backend.accounts import schemas, service
from backend.accounts.models import OrgKind
from backend.db import session_scope
from backend.demo.data import DEMO_PASSWORD, _Faker, _verified, seed_accounts

RELATED_FIRM = ("rfirm", "福州关联机电有限公司")
RELATED_INSTITUTE = ("rinst", "福州关联技术研究院")


def seed_related_pair(fake: _Faker) -> None:
    """Two organisations whose legal representative is the same person (one row)."""
    firm = fake.organisation(OrgKind.FIRM, RELATED_FIRM[1], "福州市")
    institute = fake.organisation(OrgKind.INSTITUTE, RELATED_INSTITUTE[1], "福州市")
    institute = institute.model_copy(update={"legal_representative": firm.legal_representative})
    with session_scope() as session:
        for (username, _), org in ((RELATED_FIRM, firm), (RELATED_INSTITUTE, institute)):
            reg = schemas.OrganisationRegistration(
                organisation=org,
                user=schemas.UserIn(username=username, password=DEMO_PASSWORD,
                                    display_name=fake.name()))
            user = service.register_organisation(session, reg, None)
            _verified(service.get_organisation(session, user.organisation_id or 0))


def main() -> None:
    fake = _Faker()
    with session_scope() as session:
        seed_accounts(session, fake)
    seed_related_pair(fake)


if __name__ == "__main__":
    main()
