"""A financing request's dossier (保密资料): documents behind the owner's non-disclosure terms, as
for demands (`backend/intake/dossiers.py` keeps the dossiers, their grants, terms and view log).

Who may know it exists and ask for access is the capital chain's rule, handed to intake as this
module loads (intake is below capital): the request's organisation and administrators, and the
investors who may see the request (its audience: every verified investor or the named ones) —
while the request is not withdrawn. A withdrawn request's dossier closes to investors at once,
grants or not. Nothing of the content is read before the owner grants access and the reader has
accepted the current terms.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.capital import service
from backend.capital.models import FinancingRequest, FinancingStatus
from backend.core.errors import Conflict, NotFound
from backend.core.permissions import Role
from backend.intake import dossiers
from backend.intake.models import Dossier
from backend.intake.schemas import DossierIn


def _check(session: Session, user: User, request_id: int) -> None:
    request = service.request_for(session, user, request_id)
    if (request.status is FinancingStatus.WITHDRAWN and user.role != Role.ADMIN
            and not service.is_owner(user, request)):
        raise NotFound(dossiers.NOT_FOUND)


def _titles(session: Session, request_ids: list[int]) -> dict[int, str]:
    return dict(session.execute(select(FinancingRequest.id, FinancingRequest.title).where(
        FinancingRequest.id.in_(request_ids))).tuples().all())


def _takes_files(session: Session, dossier: Dossier) -> None:
    """A closed or withdrawn request's dossier takes no more files (409)."""
    if dossier.financing_request_id is None:
        return
    request = session.get(FinancingRequest, dossier.financing_request_id)
    if request is not None and request.status in (FinancingStatus.CLOSED,
                                                  FinancingStatus.WITHDRAWN):
        raise Conflict(f"该融资需求已{'结束' if request.status is FinancingStatus.CLOSED else '撤回'}"
                       f"，保密资料不能再添加附件。This financing request is "
                       f"{request.status.value}: its dossier takes no more files.",
                       current_status=request.status.value)


dossiers.install_financing_check(_check)
dossiers.install_financing_titles(_titles)
dossiers.install_attach_check(_takes_files)


def put(session: Session, actor: audit.Actor, user: User, request_id: int, data: DossierIn
        ) -> Dossier:
    """The requesting organisation writes the dossier (404 unseen, 403 not its own; 409 once
    the request is withdrawn)."""
    request = service.owned_request(session, user, request_id)
    if request.status is FinancingStatus.WITHDRAWN:
        raise Conflict("该融资需求已撤回，不能再编写保密资料。This financing request was "
                       "withdrawn; its dossier cannot be changed.",
                       current_status=request.status.value)
    return dossiers.put_for_financing(session, actor, request.id, request.organisation_id, data)
