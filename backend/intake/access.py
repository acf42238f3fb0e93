"""Who may see a help request, and as whom: the one scoping query every read goes through.

  - administrators see every request;
  - members of the firm see their organisation's requests;
  - a verified broker sees a request offered to them (until they decline it or another broker
    accepts it) and the requests they accepted. Before accepting a confidential request they
    see only its field, region and preferred times, not the firm or what it wrote.
Everyone else gets 404. Visits, drafts and their files follow the request: the firm, the
broker who accepted it, and administrators.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import is_verified_broker
from backend.core.errors import NotFound, PermissionDenied
from backend.core.fetch import one_or_404
from backend.core.permissions import Role
from backend.intake.models import HelpOffer, HelpRequest, OfferStatus

NOT_FOUND = "未找到该需求挖掘申请。No such help request."


class Seat(StrEnum):
    ADMIN = "admin"
    FIRM = "firm"          # a member of the firm that asked
    BROKER = "broker"      # the broker who accepted it
    OFFERED = "offered"    # a broker it is offered to


@dataclass(frozen=True)
class RequestAccess:
    request: HelpRequest
    seat: Seat
    user: User

    @property
    def insider(self) -> bool:
        """Sees everything about the request: its firm, its broker, administrators."""
        return self.seat is not Seat.OFFERED


def visible_requests(user: User) -> Select[HelpRequest]:
    query = select(HelpRequest)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.FIRM and user.organisation_id is not None:
        return query.where(HelpRequest.organisation_id == user.organisation_id)
    if is_verified_broker(user):
        offered = select(HelpOffer.help_request_id).where(
            HelpOffer.broker_id == user.id, HelpOffer.status == OfferStatus.OFFERED)
        return query.where(or_(HelpRequest.broker_id == user.id, HelpRequest.id.in_(offered)))
    return query.where(false())


def seat_of(session: Session, user: User, request: HelpRequest) -> Seat:
    if user.role == Role.ADMIN:
        return Seat.ADMIN
    if user.role == Role.FIRM and user.organisation_id == request.organisation_id:
        return Seat.FIRM
    if request.broker_id == user.id:
        return Seat.BROKER
    return Seat.OFFERED


def request_for(session: Session, user: User, request_id: int, *, lock: bool = False
                ) -> RequestAccess:
    query = visible_requests(user).where(HelpRequest.id == request_id)
    if lock:
        query = query.with_for_update(of=HelpRequest)
    request = one_or_404(session, query.execution_options(populate_existing=True), NOT_FOUND)
    return RequestAccess(request, seat_of(session, user, request), user)


def insider(access: RequestAccess) -> RequestAccess:
    """Visits, drafts and files are for the firm, its broker and administrators."""
    if not access.insider:
        raise NotFound(NOT_FOUND)
    return access


def require_firm(access: RequestAccess) -> None:
    if access.seat is not Seat.FIRM:
        raise PermissionDenied("只有提出申请的企业可以进行此操作。Only the firm that asked may do "
                               "this.")


def require_broker(access: RequestAccess) -> None:
    if access.seat is not Seat.BROKER:
        raise PermissionDenied("只有接受该申请的经纪人可以进行此操作。Only the broker who accepted "
                               "this request may do this.")
