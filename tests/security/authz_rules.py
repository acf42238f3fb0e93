"""The authorisation rules: what every kind of caller gets from every route.

One `Case` per route (or per route and kind of object), naming the expected answer by the
caller's relation to the object:
  anon · admin · firm / inst / broker (no relation to it) · firm_own / inst_own (a member of
  the owning organisation, or one of the deal's parties) · broker_own (the deal's broker, the
  broker in question, the broker assigned) · invitee (a broker invited to the deal) ·
  cobroker (a broker on the deal besides its lead) · expert / expert_own (a reviewer; their own
  profile or review seat).
Expected values: OK (any 2xx), 401, 403 (the role may never do this), 404 (not in the
caller's view — existence does not leak), or an exact code where the world's state makes
an authorised request conflict (409).

Two readers: `tests/security/test_authz_matrix.py` sends every case as every caller against
a built world and checks the answers; `scripts/permission_tables.py` renders the README's
permission tables from the same cases (`tests/security/test_permission_tables.py` fails
when the README differs). A route added without a rule here fails
`test_every_route_has_a_rule`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from backend.accounts.models import User
from backend.core.clock import today
from backend.listings import files as listing_files
from tests.builders import accounts as b
from tests.builders import chains as chainb
from tests.builders import challenges as cb
from tests.builders import deals as d

OK = "2xx"
Expected = str | int
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- the world the cases are sent in (built by the matrix test) -----------------------------

@dataclass(frozen=True)
class Obj:
    """An object and who stands in a relation to it."""

    id: int
    orgs: frozenset[int] = frozenset()      # members of these organisations are related
    users: frozenset[int] = frozenset()     # these users are related (brokers, recipients)
    invitees: frozenset[int] = frozenset()  # brokers invited, not yet answered
    cobrokers: frozenset[int] = frozenset()  # brokers on the deal besides its lead


@dataclass
class PartySet:
    firm: User
    institute: User
    broker: User
    spare: User  # a verified broker outside the matrix: invited, assigned, co-broker
    investor: User  # a verified investor with a mandate (sent only the capital chain's cases)
    expert: User | None = None  # a verified scientist, on the set's review panels
    objects: dict[str, Obj] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Obj:
        return self.objects[key]


@dataclass
class World:
    own: PartySet
    other: PartySet
    admin: User
    users: dict[str, User]
    tokens: dict[str, dict[str, str]]
    refresh_token: str
    field_id: int
    policy_id: int            # a reward policy (far in the future: it changes no claim)
    checkpoint: dict[str, Any]  # a signed audit checkpoint, as the API gives it


# --- cases ------------------------------------------------------------------------------------

Body = Callable[[World, PartySet], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    rule: dict[str, Expected]
    target: str | None = None          # the object (in each set) the case is about
    params: Callable[[World, PartySet], dict[str, Any]] | None = None
    json: Body | None = None
    form: Body | None = None
    upload: Callable[[World, PartySet], tuple[str, bytes, str]] | None = None
    query: dict[str, Any] | None = None
    why: str = ""      # shown in the README's tables as the note
    label: str = ""    # tells apart, in the README, cases of one route on one kind of object

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


# The objects cases are about: how the README names them (where one route has cases on
# several kinds), and which relations a caller of the matrix can have to them ("own" ones;
# the matrix test checks these against the world it builds).
TARGETS: dict[str, tuple[str, frozenset[str]]] = {
    "demand": ("a published demand", frozenset({"firm_own"})),
    "demand_draft": ("a draft demand", frozenset({"firm_own"})),
    "demand_hidden": ("a hidden demand", frozenset({"firm_own"})),
    "demand_assigned": ("a demand with an assigned broker", frozenset({"firm_own"})),
    "achievement": ("a published achievement", frozenset({"inst_own"})),
    "achievement_draft": ("a draft achievement", frozenset({"inst_own"})),
    "achievement_hidden": ("a hidden achievement", frozenset({"inst_own"})),
    "firm_org": ("a firm", frozenset({"firm_own"})),
    "inst_org": ("an institute", frozenset({"inst_own"})),
    "join_request": ("a request to join", frozenset({"firm_own"})),
    "invitation": ("an invitation code", frozenset({"firm_own"})),
    "import": ("a bulk import", frozenset({"inst_own"})),
    "broker_profile": ("a broker", frozenset({"broker_own"})),
    "notification": ("a notification", frozenset({"firm_own"})),
    "deal_request": ("a request on an anonymous demand",
                     frozenset({"firm_own", "inst_own", "broker_own"})),
    "deal": ("an introduced deal", frozenset({"firm_own", "inst_own", "broker_own"})),
    "deal_negotiating": ("a deal in negotiation", frozenset({"firm_own", "inst_own", "broker_own"})),
    "deal_signed": ("a signed deal", frozenset({"firm_own", "inst_own", "broker_own"})),
    "deal_registered": ("a registered deal", frozenset({"firm_own", "inst_own", "broker_own"})),
    "deal_invitation": ("a deal with an invited broker",
                        frozenset({"firm_own", "inst_own", "broker_own", "invitee"})),
    "deal_two_brokers": ("a deal with two brokers",
                         frozenset({"firm_own", "inst_own", "broker_own"})),
    "deal_share_proposal": ("a deal with proposed shares",
                            frozenset({"firm_own", "inst_own", "broker_own", "cobroker"})),
    "deal_paid": ("a paid deal", frozenset({"broker_own"})),
    "help_open": ("an open help request", frozenset({"firm_own", "broker_own"})),
    "help_accepted": ("an accepted help request", frozenset({"firm_own", "broker_own"})),
    "draft_writing": ("a draft being written", frozenset({"firm_own", "broker_own"})),
    "draft_submitted": ("a submitted draft", frozenset({"firm_own", "broker_own"})),
    "dossier_demand": ("a demand with a dossier", frozenset({"firm_own"})),
    "dossier": ("a dossier", frozenset({"firm_own"})),
    "proposal": ("a grade proposal", frozenset({"broker_own"})),
    "claim": ("a submitted claim", frozenset({"broker_own"})),
    "claim_under_review": ("a claim under review", frozenset({"broker_own"})),
    "claim_approved": ("an approved claim", frozenset({"broker_own"})),
    "batch": ("a payout batch", frozenset()),
    "clawback": ("a claw-back", frozenset({"broker_own"})),
    "clawback_pending": ("a claw-back awaiting review", frozenset({"broker_own"})),
    "flag": ("a flag", frozenset({"broker_own"})),
    "dishonesty": ("a listing", frozenset()),
    "expert_profile": ("an expert", frozenset({"expert_own"})),
    "expert_pending": ("an expert applying", frozenset()),
    "expert_invitation": ("an expert invitation", frozenset()),
    "poc_achievement": ("an achievement", frozenset({"inst_own"})),
    "poc_request": ("a review request", frozenset({"inst_own"})),
    "poc_panel": ("a request with a proposed panel", frozenset({"inst_own"})),
    "poc_outlier": ("a review with an outlying score", frozenset({"inst_own"})),
    "poc_decided": ("a decided review", frozenset({"inst_own"})),
    "assignment_invited": ("a review seat offered", frozenset({"expert_own"})),
    "assignment_accepted": ("a review seat accepted", frozenset({"expert_own"})),
    "challenge_draft": ("a draft challenge", frozenset({"firm_own"})),
    "challenge_open": ("an open challenge, the institute's proposal in",
                       frozenset({"firm_own", "inst_own"})),
    "challenge_proposal": ("a proposal", frozenset({"firm_own", "inst_own"})),
    "challenge_review": ("a challenge under review", frozenset({"firm_own", "inst_own"})),
    "challenge_delivery": ("a challenge in delivery, won by the institute",
                           frozenset({"firm_own", "inst_own"})),
    "challenge_closed": ("a closed challenge, the institute's proposal in",
                         frozenset({"firm_own", "inst_own"})),
    "challenge_panel": ("a challenge under review by a panel, the expert seated",
                        frozenset({"firm_own", "inst_own", "expert_own"})),
    "panel_proposal": ("a proposal under review, the expert seated",
                       frozenset({"firm_own", "inst_own", "expert_own"})),
    "financing_draft": ("a draft financing request", frozenset({"firm_own"})),
    "financing": ("a published financing request, with the own investor's interest",
                  frozenset({"firm_own", "inv_own"})),
    "financing_named": ("a financing request for named investors, the own one among them",
                        frozenset({"firm_own", "inv_own"})),
    "roadshow": ("a planned roadshow, the firm's request presenting, the investor invited",
                 frozenset({"firm_own", "inv_own"})),
    "roadshow_held": ("a held roadshow, the firm's request presented, the investor registered",
                      frozenset({"firm_own", "inv_own"})),
    "poc_dossier": ("a review under way with a dossier, the own expert seated",
                    frozenset({"inst_own", "expert_own"})),
}


# The relations every caller has whatever the object: no relation to it, or an administrator.
BASE_RELATIONS = ("anon", "admin", "firm", "inst", "broker", "expert", "inv")
ROLE_KEYS = ("anon", "admin", "firm", "firm_own", "inst", "inst_own", "broker", "broker_own",
             "invitee", "cobroker", "expert", "expert_own")
# Investors (inv: no relation; inv_own: its organisation is in the request's audience by name,
# or marked interest).
INVESTOR_KEYS = ("inv", "inv_own")


def rule(default: Expected, **overrides: Expected) -> dict[str, Expected]:
    """Expected answers by relation; a co-broker is treated as the deal's broker unless said.
    Experts and investors get what `rule` infers unless said (below)."""
    unknown = set(overrides) - set(ROLE_KEYS) - set(INVESTOR_KEYS)
    assert not unknown, unknown
    table = {k: overrides.get(k, default) for k in ROLE_KEYS}
    if "cobroker" not in overrides:
        table["cobroker"] = table["broker_own"]
    # An expert (who acts for no organisation and only reviews) and an investor (outside the
    # capital chain) are refused by role where another non-administrator role is, else get
    # the rule's default; their own objects as the others unless said.
    refused = 403 in (table["firm"], table["inst"], table["broker"])
    for other, own in (("expert", "expert_own"), ("inv", "inv_own")):
        table[other] = overrides.get(other, 403 if refused else default)
        table[own] = overrides.get(own, table[other])
    return table


PUBLIC = rule(OK)
LOGGED_IN = rule(OK, anon=401)
ADMIN_ONLY = rule(403, anon=401, admin=OK)
# Deals: their parties, brokers and administrators see them; nobody else knows they exist.
DEAL_READ = rule(404, anon=401, admin=OK, firm_own=OK, inst_own=OK, broker_own=OK)
# Deal work is the deal's brokers': parties are refused by role, strangers see nothing.
DEAL_BROKER_WORK = rule(404, anon=401, firm=403, firm_own=403, inst=403, inst_own=403,
                        broker_own=OK, admin=403)
# An invitation is answered by the invitee; the deal's own broker has none to answer (409).
INVITEE_ANSWER = {**DEAL_BROKER_WORK, "broker_own": 409, "invitee": OK}
PARTY_ANSWER = rule(404, anon=401, firm_own=OK, inst_own=OK, broker=403, broker_own=403,
                    invitee=403, admin=403)
SHARE_ANSWER = {**DEAL_BROKER_WORK, "broker_own": 409, "cobroker": OK}
# A listing's owner changes it; others who can see it are refused, others who cannot get 404.
DEMAND_OWNER_VISIBLE = rule(403, anon=401, firm_own=OK)
DEMAND_OWNER_DRAFT = rule(403, anon=401, firm=404, firm_own=OK)
ACHIEVEMENT_OWNER_VISIBLE = rule(403, anon=401, inst_own=OK)
ACHIEVEMENT_OWNER_DRAFT = rule(403, anon=401, inst=404, inst_own=OK)
READ_LISTED = PUBLIC
READ_DRAFT_DEMAND = rule(404, firm_own=OK, admin=OK)
READ_DRAFT_ACHIEVEMENT = rule(404, inst_own=OK, admin=OK)
MATCHES_LISTED = LOGGED_IN
MATCHES_DRAFT_DEMAND = rule(404, anon=401, firm_own=OK, admin=OK)
# Help requests, visits and drafts: the firm that asked and the broker it went to (offered, or
# who accepted it) see them, administrators too; institutes have no part in them.
HELP_READ = rule(404, anon=401, inst=403, inst_own=403, firm_own=OK, broker_own=OK, admin=OK)
HELP_LISTS = rule(OK, anon=401, inst=403)
# The broker's work on a request: firms and institutes refused by role, administrators by seat.
HELP_BROKER_WORK = rule(404, anon=401, firm=403, firm_own=403, inst=403, inst_own=403,
                        broker_own=OK, admin=403)
# The firm's decisions (cancel, approve, return): brokers and institutes refused by role.
HELP_FIRM_DECISION = rule(403, anon=401, firm=404, firm_own=OK)
# Dossiers: the content only for its owner (and those admitted who accepted the terms — none of
# the callers here); the owner manages access; administrators oversee without reading.
DOSSIER_CONTENT = rule(403, anon=401, firm_own=OK)
DOSSIER_OWNER = rule(403, anon=401, firm_own=OK)
DOSSIER_OVERSIGHT = rule(403, anon=401, firm_own=OK, admin=OK)
# Reward claims: the claiming broker's and the administrators'; another broker's are not in view,
# firms and institutes may never read claims.
CLAIM_READ = rule(403, anon=401, broker=404, broker_own=OK, admin=OK)
# An organisation's join requests and invitations: its active members and administrators.
ORG_MEMBERS = rule(404, anon=401, admin=OK, firm_own=OK)
# The deal's evidence is confirmed or disputed by its parties' members; everyone else who sees
# the deal is refused (brokers by role; an administrator has nothing to confirm below the
# amount ceiling: 409), strangers get 404.
EVIDENCE_ANSWER = rule(404, anon=401, firm_own=OK, inst_own=OK, broker=403, broker_own=403,
                       invitee=403, admin=409)
# Challenges: the issuer (a firm, here) acts on its own; administrators oversee a firm's challenge
# without acting for it; institutes and brokers may never issue. Other firms do not see a draft,
# nor a challenge's milestones.
CHALLENGE_ISSUER = rule(403, anon=401, firm_own=OK)
CHALLENGE_ISSUER_UNSEEN = rule(403, anon=401, firm=404, firm_own=OK)
# A proposal and its milestones: the team, the issuer and administrators; nobody else knows it.
CHALLENGE_TEAM_READ = rule(404, anon=401, firm_own=OK, inst_own=OK, admin=OK)
# The team's work (editing its proposal, a milestone's evidence): its lead; the issuer and
# administrators see it but may not act; brokers are refused by role.
CHALLENGE_TEAM_WORK = rule(404, anon=401, broker=403, broker_own=403, firm_own=403, inst_own=OK,
                           admin=403)


# The capital chain: an investor keeps its own mandate and feed (administrators have none: 409).
INVESTOR_OWN = rule(403, anon=401, admin=409, inv=OK)
FINANCING_DRAFT_READ = rule(404, anon=401, firm_own=OK, admin=OK, inv=404)
FINANCING_READ = rule(404, anon=401, firm_own=OK, admin=OK, inv=OK)
# The owner changes its request; brokers and investors refused by role, administrators by seat.
FINANCING_OWNER = rule(403, anon=401, firm=404, inst=404, firm_own=OK, inv=403)
# A roadshow: administrators, the owners of the requests invited, the investors invited.
ROADSHOW_READ = rule(404, anon=401, admin=OK, firm_own=OK, inv_own=OK)


def _ids(key: str, name: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return lambda w, s: {name: s[key].id}


def _deal(key: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return _ids(key, "deal_id")


def _demand(key: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return _ids(key, "demand_id")


def _achievement(key: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return _ids(key, "achievement_id")


def _registration(w: World, s: PartySet) -> dict[str, Any]:
    return {"registration_no": d.new_registration_no(),
            "registered_on": (today() - timedelta(days=3)).isoformat(),
            "technology_amount": "300000.00"}


def _contract(w: World, s: PartySet) -> dict[str, Any]:
    return {"name": "工业视觉检测技术开发合同", "type": "development", "amount": "300000.00",
            "signed_on": (today() - timedelta(days=20)).isoformat(),
            "buyer_org_id": s.firm.organisation_id, "seller_org_id": s.institute.organisation_id}


def _payment(w: World, s: PartySet) -> dict[str, Any]:
    return {"paid_on": (today() - timedelta(days=1)).isoformat(), "amount": "1000.00",
            "bank_reference": "BANK-MATRIX-1",
            "invoice_reference": f"发票：{s.extra['registration_no']}", "invoice_no": "INV-M-1",
            "payer_account": d.PAYER_ACCOUNT, "payee_account": d.PAYEE_ACCOUNT,
            "evidence_file_id": s.extra["receipt_id"]}


def _registry_csv(w: World, s: PartySet) -> tuple[str, bytes, str]:
    return ("登记数据.csv", d.registry_csv([(
        d.new_registration_no(), b.new_credit_code(), b.new_credit_code(), "技术开发",
        Decimal("1000.00"), today() - timedelta(days=2), "有效")]), "text/csv")


def _org_registration(w: World, s: PartySet) -> dict[str, Any]:
    org = b.organisation_in().model_dump(mode="json")
    return {"organisation": org, "user": {"username": "matrix_new_user", "password": "Passw0rd1",
                                          "display_name": "新用户"}}


def _broker_registration(w: World, s: PartySet) -> dict[str, Any]:
    return {"user": {"username": "matrix_new_broker", "password": "Passw0rd1",
                     "display_name": "新经纪人"},
            "person": b.person().model_dump(mode="json"),
            "broker": {"level": "junior", "certificate_no": "JJR-MATRIX-1",
                       "fields": ["电子信息"]}}


def import_csv(w: World, s: PartySet) -> tuple[str, bytes, str]:
    content = (listing_files.template_csv().decode("utf-8-sig")
               + ",".join(f'"{c}"' for c in listing_files.EXAMPLE) + "\r\n")
    return ("成果.csv", content.encode("utf-8-sig"), "text/csv")


def _pdf(w: World, s: PartySet) -> tuple[str, bytes, str]:
    return ("补充协议.pdf", PDF, "application/pdf")


def _demand_body(w: World, s: PartySet) -> dict[str, Any]:
    return {"title": "寻求锂电池正极材料包覆改性技术", "description": "希望合作开发表面包覆改性工艺。",
            "field_id": w.field_id, "keywords": ["正极材料"], "budget_min": "200000",
            "budget_max": "800000", "modes": ["development"], "min_trl": 4,
            "deadline": (today() + timedelta(days=60)).isoformat(), "region": "宁德市",
            "visibility": "public", "anonymous": False}


def _achievement_body(w: World, s: PartySet) -> dict[str, Any]:
    return {"title": "高镍三元正极材料表面包覆改性技术", "abstract": "采用原子层沉积包覆氧化铝。",
            "field_id": w.field_id, "keywords": ["正极材料"], "trl": 6, "stage": "pilot",
            "ip_items": [], "price": "1500000", "negotiable": False, "modes": ["transfer"],
            "team_lead": "王教授", "region": "厦门市"}


def _help(key: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return _ids(key, "request_id")


def _draft(key: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return _ids(key, "draft_id")


def _dossier(w: World, s: PartySet) -> dict[str, Any]:
    return {"dossier_id": s["dossier"].id}


def _visit(w: World, s: PartySet) -> dict[str, Any]:
    return {"request_id": s["help_accepted"].id, "visit_id": s.extra["visit_id"]}


def _visit_body(w: World, s: PartySet) -> dict[str, Any]:
    return {"visited_on": today().isoformat(), "attendees": "生产总监",
            "findings": "返修率偏高。"}


def _dossier_body(w: World, s: PartySet) -> dict[str, Any]:
    return {"details": "烧结温度与配方（保密）", "volumes": "年需求2万件", "budget": "500000"}


def _challenge(key: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return _ids(key, "challenge_id")


def _proposal(w: World, s: PartySet) -> dict[str, Any]:
    return {"challenge_id": s.extra["challenge_open_id"],
            "proposal_id": s["challenge_proposal"].id}


def _milestone(which: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return lambda w, s: {"challenge_id": s["challenge_delivery"].id,
                         "milestone_id": s.extra[f"milestone_{which}"]}


def _selection(w: World, s: PartySet) -> dict[str, Any]:
    return {"awards": [{"proposal_id": s.extra["review_proposal_id"], "amount": "1000000.00",
                        "reason": "方案最优"}], "reason": "评审后选定"}


def _const(**values: Any) -> Callable[[World, PartySet], dict[str, Any]]:
    return lambda w, s: values


def _financing(key: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return _ids(key, "request_id")


def _financing_interest(w: World, s: PartySet) -> dict[str, Any]:
    return {"request_id": s["financing"].id, "interest_id": s.extra["financing_interest_id"]}


def _financing_thread(w: World, s: PartySet) -> dict[str, Any]:
    return {"request_id": s["financing_named"].id,
            "investor_id": s.investor.organisation_id}


def _roadshow(key: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return _ids(key, "roadshow_id")


def _presentation(key: str) -> Callable[[World, PartySet], dict[str, Any]]:
    return lambda w, s: {"roadshow_id": s[key].id, "request_id": s["financing"].id}


def _roadshow_body(w: World, s: PartySet) -> dict[str, Any]:
    return {"theme": "矩阵测试路演", "starts_at": "2026-12-20T14:00:00", "place": "福州"}


def _mandate_body(w: World, s: PartySet) -> dict[str, Any]:
    return {"investor_kind": "bank", "field_ids": [w.field_id], "trl_min": 2, "trl_max": 8,
            "ticket_min": "500000.00", "ticket_max": "5000000.00"}


def _financing_body(w: World, s: PartySet) -> dict[str, Any]:
    return {"subject": "project", "title": "智能产线改造融资", "summary": "产线智能化改造。",
            "field_id": w.field_id, "region": "福州市", "amount": "2000000.00",
            "instrument": "loan", "use_of_funds": "设备采购。", "trl_current": 5,
            "trl_target": 7}


# A listing's placement on a chain: administrators, and members of the listing's owner.
CHAIN_PLACER = rule(404, anon=401, admin=OK, firm_own=OK)


def _chain(w: World, s: PartySet) -> dict[str, Any]:
    return {"chain_id": s.extra["chain_id"]}


def _chain_xlsx(code: str) -> Callable[[World, PartySet], tuple[str, bytes, str]]:
    return lambda w, s: ("产业链.xlsx", chainb.chain_xlsx(code), chainb.XLSX)


def _policy(w: World, s: PartySet) -> dict[str, Any]:
    return {"policy_id": w.policy_id}


def _policy_terms(w: World, s: PartySet) -> dict[str, Any]:
    return {"name": "矩阵测试政策（修订）", "effective_from": "2090-01-01",
            "brackets": [{"upper": "1000000.00", "rate": "0.02"}, {"upper": None, "rate": "0.01"}]}


def _policy_create(w: World, s: PartySet) -> dict[str, Any]:
    return {"key": "matrix-new", **_policy_terms(w, s)}


def _expert_profile() -> dict[str, Any]:
    return {"name": "矩阵专家", "organisation_name": "某大学", "kind": "scientist",
            "fields": ["equipment.robotics"], "bio": "机器视觉"}


def _expert_registration(w: World, s: PartySet) -> dict[str, Any]:
    return {"user": {"username": "matrix_new_expert", "password": "Passw0rd1",
                     "display_name": "新专家"}, "profile": _expert_profile()}


def _review(w: World, s: PartySet) -> dict[str, Any]:
    from tests.builders import experts as ex

    return ex.review(4).model_dump()


# Experts: their own profile and seats; nobody else's seat is in their view.
EXPERT_ONLY = rule(403, anon=401, expert=OK)
EXPERT_SEAT = rule(403, anon=401, expert=404, expert_own=OK)
POC_READ = rule(403, anon=401, inst=404, inst_own=OK, admin=OK)
# A review's dossier: the institute, administrators and the experts seated on the panel read
# it (an expert elsewhere does not know of it); only the institute changes it.
POC_DOSSIER_READ = rule(403, anon=401, inst=404, inst_own=OK, admin=OK, expert=404,
                        expert_own=OK)
POC_DOSSIER_WRITE = rule(403, anon=401, inst=404, inst_own=OK)


def _dossier_file(w: World, s: PartySet) -> dict[str, Any]:
    return {"request_id": s["poc_dossier"].id, "file_id": s.extra["poc_file_id"]}

HIDE = {"reason": "内容违规，暂时隐藏。"}

RULES: list[Case] = [
    # health, metrics and documentation: public
    Case("GET", "/healthz", PUBLIC),
    Case("GET", "/readyz", PUBLIC),
    Case("GET", "/metrics", PUBLIC,
         why="scraped by Prometheus; only from METRICS_ALLOWED_NETWORKS (production: loopback)"),
    Case("GET", "/api/openapi.json", PUBLIC),
    Case("GET", "/api/docs", PUBLIC),
    Case("GET", "/docs/oauth2-redirect", PUBLIC),

    # accounts
    Case("POST", "/api/v1/auth/register/organisation", PUBLIC, json=_org_registration),
    Case("POST", "/api/v1/auth/register/broker", PUBLIC, json=_broker_registration),
    Case("POST", "/api/v1/auth/register/member", PUBLIC, target="firm_org",
         json=lambda w, s: {"user": {"username": "matrix_member", "password": "Passw0rd1",
                                     "display_name": "新同事"},
                            "credit_code": s.extra["firm_credit_code"]},
         why="anyone may ask to join; the firm's members or an administrator approve"),
    Case("POST", "/api/v1/auth/token", PUBLIC,
         form=lambda w, s: {"username": w.own.firm.username, "password": b.PASSWORD}),
    Case("POST", "/api/v1/auth/refresh", PUBLIC,
         json=lambda w, s: {"refresh_token": w.refresh_token},
         why="the refresh token is the credential"),
    Case("POST", "/api/v1/auth/logout", LOGGED_IN),
    Case("GET", "/api/v1/auth/me", LOGGED_IN),
    Case("GET", "/api/v1/organisations", ADMIN_ONLY),
    Case("GET", "/api/v1/organisations/{org_id}", rule(404, anon=401, admin=OK, firm_own=OK),
         target="firm_org", params=_ids("firm_org", "org_id")),
    Case("GET", "/api/v1/organisations/{org_id}", rule(404, anon=401, admin=OK, inst_own=OK),
         target="inst_org", params=_ids("inst_org", "org_id")),
    Case("PATCH", "/api/v1/organisations/{org_id}",
         rule(404, anon=401, broker=403, broker_own=403, firm_own=OK, admin=403, inv=404),
         target="firm_org", params=_ids("firm_org", "org_id"),
         json=lambda w, s: {"region": "厦门市"}),
    Case("PATCH", "/api/v1/organisations/{org_id}",
         rule(404, anon=401, broker=403, broker_own=403, inst_own=OK, admin=403, inv=404),
         target="inst_org", params=_ids("inst_org", "org_id"),
         json=lambda w, s: {"region": "厦门市"}),
    Case("POST", "/api/v1/organisations/{org_id}/verification", ADMIN_ONLY, target="firm_org",
         params=_ids("firm_org", "org_id"), json=lambda w, s: {"status": "verified"}),
    Case("GET", "/api/v1/join-requests", ADMIN_ONLY),
    Case("GET", "/api/v1/organisations/{org_id}/join-requests", ORG_MEMBERS,
         target="firm_org", params=_ids("firm_org", "org_id")),
    *(Case("POST", f"/api/v1/organisations/{{org_id}}/join-requests/{{request_id}}/{verb}",
           ORG_MEMBERS, target="join_request",
           params=lambda w, s: {"org_id": s["firm_org"].id, "request_id": s["join_request"].id})
      for verb in ("approve", "decline")),
    Case("GET", "/api/v1/organisations/{org_id}/invitations", ORG_MEMBERS,
         target="firm_org", params=_ids("firm_org", "org_id")),
    Case("POST", "/api/v1/organisations/{org_id}/invitations", ORG_MEMBERS,
         target="firm_org", params=_ids("firm_org", "org_id")),
    Case("DELETE", "/api/v1/organisations/{org_id}/invitations/{invitation_id}", ORG_MEMBERS,
         target="invitation",
         params=lambda w, s: {"org_id": s["firm_org"].id, "invitation_id": s["invitation"].id}),
    Case("POST", "/api/v1/organisations/{org_id}/identity", ADMIN_ONLY, target="firm_org",
         params=_ids("firm_org", "org_id"), why="full resident ID numbers, audited"),
    Case("GET", "/api/v1/brokers", ADMIN_ONLY),
    Case("GET", "/api/v1/brokers/search", rule(403, anon=401, broker=OK, admin=OK),
         query={"q": "经纪"}),
    Case("GET", "/api/v1/brokers/{user_id}", rule(404, anon=401, admin=OK, broker_own=OK),
         target="broker_profile", params=_ids("broker_profile", "user_id")),
    Case("POST", "/api/v1/brokers/{user_id}/verification", ADMIN_ONLY, target="broker_profile",
         params=_ids("broker_profile", "user_id"), json=lambda w, s: {"status": "verified"}),

    # audit and market
    Case("GET", "/api/v1/audit/entries", ADMIN_ONLY),
    Case("GET", "/api/v1/audit/verify", ADMIN_ONLY),
    Case("GET", "/api/v1/market/figures", PUBLIC),

    # the field taxonomy
    Case("GET", "/api/v1/fields", PUBLIC),
    Case("POST", "/api/v1/fields", ADMIN_ONLY,
         json=lambda w, s: {"code": "matrix", "name_zh": "测试领域", "name_en": "Matrix"}),
    Case("PATCH", "/api/v1/fields/{field_id}", ADMIN_ONLY,
         params=lambda w, s: {"field_id": w.field_id}, json=lambda w, s: {"sort": 7}),

    # demands
    Case("GET", "/api/v1/demands", PUBLIC),
    Case("POST", "/api/v1/demands", rule(403, anon=401, firm=OK), json=_demand_body),
    Case("GET", "/api/v1/demands/export", LOGGED_IN),
    Case("GET", "/api/v1/demands/{demand_id}", READ_LISTED, target="demand",
         params=_demand("demand")),
    Case("GET", "/api/v1/demands/{demand_id}", READ_DRAFT_DEMAND, target="demand_draft",
         params=_demand("demand_draft")),
    Case("GET", "/api/v1/demands/{demand_id}", READ_DRAFT_DEMAND, target="demand_hidden",
         params=_demand("demand_hidden")),
    Case("PATCH", "/api/v1/demands/{demand_id}", DEMAND_OWNER_VISIBLE, target="demand",
         params=_demand("demand"), json=lambda w, s: {"title": "更新后的需求标题"}),
    Case("PATCH", "/api/v1/demands/{demand_id}", DEMAND_OWNER_DRAFT, target="demand_draft",
         params=_demand("demand_draft"), json=lambda w, s: {"title": "更新后的需求标题"}),
    Case("POST", "/api/v1/demands/{demand_id}/publish", DEMAND_OWNER_DRAFT,
         target="demand_draft", params=_demand("demand_draft")),
    Case("POST", "/api/v1/demands/{demand_id}/withdraw", DEMAND_OWNER_VISIBLE, target="demand",
         params=_demand("demand")),
    Case("POST", "/api/v1/demands/{demand_id}/close", DEMAND_OWNER_VISIBLE, target="demand",
         params=_demand("demand")),
    Case("POST", "/api/v1/demands/{demand_id}/hide", ADMIN_ONLY, target="demand",
         params=_demand("demand"), json=lambda w, s: HIDE),
    Case("POST", "/api/v1/demands/{demand_id}/unhide", ADMIN_ONLY, target="demand_hidden",
         params=_demand("demand_hidden")),
    Case("POST", "/api/v1/demands/{demand_id}/brokers", {**DEMAND_OWNER_VISIBLE, "admin": OK},
         target="demand", params=_demand("demand"), json=lambda w, s: {"broker_id": s.spare.id},
         why="the owning firm or an administrator assigns brokers"),
    Case("DELETE", "/api/v1/demands/{demand_id}/brokers/{broker_id}",
         {**DEMAND_OWNER_VISIBLE, "admin": OK}, target="demand_assigned",
         params=lambda w, s: {"demand_id": s["demand_assigned"].id, "broker_id": s.spare.id}),
    Case("GET", "/api/v1/demands/{demand_id}/matches", MATCHES_LISTED, target="demand",
         params=_demand("demand")),
    Case("GET", "/api/v1/demands/{demand_id}/matches", MATCHES_DRAFT_DEMAND,
         target="demand_draft", params=_demand("demand_draft")),

    # achievements
    Case("GET", "/api/v1/achievements", PUBLIC),
    Case("POST", "/api/v1/achievements", rule(403, anon=401, inst=OK), json=_achievement_body),
    Case("GET", "/api/v1/achievements/export", LOGGED_IN),
    Case("GET", "/api/v1/achievements/import/template", LOGGED_IN),
    Case("POST", "/api/v1/achievements/import", rule(403, anon=401, inst=OK),
         upload=import_csv),
    Case("GET", "/api/v1/achievements/imports/{import_id}",
         rule(404, anon=401, inst_own=OK, admin=OK), target="import",
         params=lambda w, s: {"import_id": s["import"].id}),
    Case("GET", "/api/v1/achievements/{achievement_id}", READ_LISTED, target="achievement",
         params=_achievement("achievement")),
    Case("GET", "/api/v1/achievements/{achievement_id}", READ_DRAFT_ACHIEVEMENT,
         target="achievement_draft", params=_achievement("achievement_draft")),
    Case("GET", "/api/v1/achievements/{achievement_id}", READ_DRAFT_ACHIEVEMENT,
         target="achievement_hidden", params=_achievement("achievement_hidden")),
    Case("PATCH", "/api/v1/achievements/{achievement_id}", ACHIEVEMENT_OWNER_VISIBLE,
         target="achievement", params=_achievement("achievement"),
         json=lambda w, s: {"title": "更新后的成果标题"}),
    Case("PATCH", "/api/v1/achievements/{achievement_id}", ACHIEVEMENT_OWNER_DRAFT,
         target="achievement_draft", params=_achievement("achievement_draft"),
         json=lambda w, s: {"title": "更新后的成果标题"}),
    Case("POST", "/api/v1/achievements/{achievement_id}/publish", ACHIEVEMENT_OWNER_DRAFT,
         target="achievement_draft", params=_achievement("achievement_draft")),
    Case("POST", "/api/v1/achievements/{achievement_id}/withdraw", ACHIEVEMENT_OWNER_VISIBLE,
         target="achievement", params=_achievement("achievement")),
    Case("POST", "/api/v1/achievements/{achievement_id}/hide", ADMIN_ONLY,
         target="achievement", params=_achievement("achievement"), json=lambda w, s: HIDE),
    Case("POST", "/api/v1/achievements/{achievement_id}/unhide", ADMIN_ONLY,
         target="achievement_hidden", params=_achievement("achievement_hidden")),
    Case("GET", "/api/v1/achievements/{achievement_id}/matches", MATCHES_LISTED,
         target="achievement", params=_achievement("achievement")),
    Case("GET", "/api/v1/achievements/{achievement_id}/matches",
         rule(404, anon=401, inst_own=OK, admin=OK), target="achievement_draft",
         params=_achievement("achievement_draft")),

    # matches
    Case("GET", "/api/v1/matches/feed", rule(403, anon=401, broker=OK, admin=OK)),
    Case("POST", "/api/v1/matches/preview", LOGGED_IN,
         json=lambda w, s: {"title": "焊接机器人", "text": "需要焊缝跟踪的视觉方案"}),
    Case("POST", "/api/v1/matches/preview", LOGGED_IN,
         json=lambda w, s: {"kind": "achievement", "title": "焊缝识别",
                            "text": "基于深度学习的焊缝识别算法", "trl": 6}),
    Case("PUT", "/api/v1/matches/feedback", MATCHES_LISTED, target="demand",
         json=lambda w, s: {"source_kind": "demand", "source_id": s["demand"].id,
                            "target_id": s["achievement"].id, "useful": True}),
    Case("PUT", "/api/v1/matches/feedback", MATCHES_DRAFT_DEMAND, target="demand_draft",
         json=lambda w, s: {"source_kind": "demand", "source_id": s["demand_draft"].id,
                            "target_id": s["achievement"].id, "useful": True}),
    Case("GET", "/api/v1/matches/feedback", MATCHES_LISTED, target="demand",
         query={"source_kind": "demand"}, params=lambda w, s: {"source_id": s["demand"].id}),
    Case("GET", "/api/v1/matches/feedback/export", ADMIN_ONLY),
    Case("GET", "/api/v1/matches/index", ADMIN_ONLY),
    Case("POST", "/api/v1/matches/reindex", ADMIN_ONLY),

    # deals
    Case("POST", "/api/v1/deals", rule(403, anon=401, broker=OK, broker_own=OK),
         target="demand", json=lambda w, s: {"demand_id": s["demand"].id,
                                             "achievement_id": s["achievement"].id},
         why="any verified broker may open a deal on listings they can see"),
    Case("GET", "/api/v1/deals", LOGGED_IN),
    Case("GET", "/api/v1/deals/dashboard", rule(403, anon=401, broker=OK, admin=OK)),
    Case("GET", "/api/v1/deals/pending", LOGGED_IN),
    Case("GET", "/api/v1/deals/{deal_id}", DEAL_READ, target="deal", params=_deal("deal")),
    Case("GET", "/api/v1/deals/{deal_id}", {**DEAL_READ, "invitee": OK},
         target="deal_invitation", params=_deal("deal_invitation"),
         why="an invited broker sees the deal's outline"),
    Case("GET", "/api/v1/deals/{deal_id}", {**DEAL_READ, "inst_own": 404},
         target="deal_request", params=_deal("deal_request"),
         why="a request on an anonymous demand is the firm's to answer; the institute is not "
             "in it yet"),
    Case("GET", "/api/v1/deals/{deal_id}/timeline", DEAL_READ, target="deal",
         params=_deal("deal")),
    Case("POST", "/api/v1/deals/{deal_id}/accept", {**PARTY_ANSWER, "inst_own": 404},
         target="deal_request", params=_deal("deal_request")),
    Case("POST", "/api/v1/deals/{deal_id}/decline", {**PARTY_ANSWER, "inst_own": 404},
         target="deal_request", params=_deal("deal_request"),
         json=lambda w, s: {"reason": "暂不合作"}),
    Case("POST", "/api/v1/deals/{deal_id}/accept", PARTY_ANSWER, target="deal",
         params=_deal("deal")),
    Case("POST", "/api/v1/deals/{deal_id}/decline", PARTY_ANSWER, target="deal",
         params=_deal("deal"), json=lambda w, s: {"reason": "暂不合作"}),
    Case("POST", "/api/v1/deals/{deal_id}/transitions", {**DEAL_BROKER_WORK, "admin": OK},
         target="deal_negotiating", params=_deal("deal_negotiating"),
         json=lambda w, s: {"to_stage": "cancelled", "reason": "双方终止合作"},
         why="administrators may cancel a deal", label="to cancelled"),
    Case("POST", "/api/v1/deals/{deal_id}/transitions", DEAL_BROKER_WORK,
         target="deal_negotiating", params=_deal("deal_negotiating"),
         json=lambda w, s: {"to_stage": "lost", "reason": "客户另选方案"}, label="to lost"),
    Case("POST", "/api/v1/deals/{deal_id}/brokers", DEAL_BROKER_WORK,
         target="deal_negotiating", params=_deal("deal_negotiating"),
         json=lambda w, s: {"broker_id": s.spare.id,
                            "shares": {str(s.broker.id): "60", str(s.spare.id): "40"}}),
    Case("DELETE", "/api/v1/deals/{deal_id}/brokers/{broker_id}/invitation",
         {**DEAL_BROKER_WORK, "invitee": 403}, target="deal_invitation",
         params=lambda w, s: {"deal_id": s["deal_invitation"].id,
                              "broker_id": s.extra["invitee_id"]},
         why="only the lead withdraws an invitation"),
    Case("POST", "/api/v1/deals/{deal_id}/invitation/accept", INVITEE_ANSWER,
         target="deal_invitation", params=_deal("deal_invitation"),
         why="only the invitee has an invitation to answer (409 for the deal's other brokers)"),
    Case("POST", "/api/v1/deals/{deal_id}/invitation/decline", INVITEE_ANSWER,
         target="deal_invitation", params=_deal("deal_invitation")),
    Case("PUT", "/api/v1/deals/{deal_id}/shares", DEAL_BROKER_WORK, target="deal_two_brokers",
         params=_deal("deal_two_brokers"),
         json=lambda w, s: {"shares": {str(s.broker.id): "70", str(s.spare.id): "30"}}),
    Case("POST", "/api/v1/deals/{deal_id}/shares/accept", SHARE_ANSWER,
         target="deal_share_proposal", params=_deal("deal_share_proposal"),
         why="the co-broker answers the lead's proposal; the lead has nothing to answer (409)"),
    Case("POST", "/api/v1/deals/{deal_id}/shares/decline", SHARE_ANSWER,
         target="deal_share_proposal", params=_deal("deal_share_proposal")),
    Case("PUT", "/api/v1/deals/{deal_id}/contract", DEAL_BROKER_WORK,
         target="deal_negotiating", params=_deal("deal_negotiating"), json=_contract),
    Case("POST", "/api/v1/deals/{deal_id}/contract/registration", DEAL_BROKER_WORK,
         target="deal_signed", params=_deal("deal_signed"), json=_registration),
    Case("POST", "/api/v1/deals/{deal_id}/files", DEAL_BROKER_WORK, target="deal_signed",
         params=_deal("deal_signed"), upload=_pdf),
    Case("GET", "/api/v1/deals/{deal_id}/files", DEAL_READ, target="deal_signed",
         params=_deal("deal_signed")),
    Case("GET", "/api/v1/deals/{deal_id}/files/{file_id}", DEAL_READ, target="deal_signed",
         params=lambda w, s: {"deal_id": s["deal_signed"].id, "file_id": s.extra["file_id"]}),
    Case("POST", "/api/v1/deals/{deal_id}/payments", DEAL_BROKER_WORK,
         target="deal_registered", params=_deal("deal_registered"), json=_payment),
    Case("PATCH", "/api/v1/deals/{deal_id}/payments/{payment_id}", DEAL_BROKER_WORK,
         target="deal_registered",
         params=lambda w, s: {"deal_id": s["deal_registered"].id,
                              "payment_id": s.extra["pending_payment_id"]},
         json=lambda w, s: {"amount": "400.00", "note": "按回单更正"}),
    Case("POST", "/api/v1/deals/{deal_id}/payments/{payment_id}/void", DEAL_BROKER_WORK,
         target="deal_registered",
         params=lambda w, s: {"deal_id": s["deal_registered"].id,
                              "payment_id": s.extra["pending_payment_id"]},
         json=lambda w, s: {"reason": "重复登记"}),
    Case("PUT", "/api/v1/deals/{deal_id}/contract/registration", DEAL_BROKER_WORK,
         target="deal_registered", params=_deal("deal_registered"), json=_registration),
    Case("POST", "/api/v1/deals/{deal_id}/contract/confirm", EVIDENCE_ANSWER,
         target="deal_registered", params=_deal("deal_registered"),
         json=lambda w, s: {"version": s.extra["contract_version"]}),
    Case("POST", "/api/v1/deals/{deal_id}/contract/dispute", EVIDENCE_ANSWER,
         target="deal_registered", params=_deal("deal_registered"),
         json=lambda w, s: {"version": s.extra["contract_version"], "reason": "金额有误"}),
    Case("POST", "/api/v1/deals/{deal_id}/payments/{payment_id}/confirm", EVIDENCE_ANSWER,
         target="deal_registered",
         params=lambda w, s: {"deal_id": s["deal_registered"].id,
                              "payment_id": s.extra["payment_id"]},
         json=lambda w, s: {"version": 1}),
    Case("POST", "/api/v1/deals/{deal_id}/payments/{payment_id}/dispute", EVIDENCE_ANSWER,
         target="deal_registered",
         params=lambda w, s: {"deal_id": s["deal_registered"].id,
                              "payment_id": s.extra["payment_id"]},
         json=lambda w, s: {"version": 1, "reason": "未收到该笔款项"}),
    Case("GET", "/api/v1/deals/confirmations", LOGGED_IN,
         why="each caller's own: what awaits their organisation (administrators: the ceiling)"),
    Case("POST", "/api/v1/deals/{deal_id}/notes", DEAL_BROKER_WORK, target="deal",
         params=_deal("deal"), json=lambda w, s: {"text": "已与双方电话沟通。"}),

    # notifications: each user's own
    Case("GET", "/api/v1/notifications", LOGGED_IN),
    Case("POST", "/api/v1/notifications/read-all", LOGGED_IN),
    Case("POST", "/api/v1/notifications/{notification_id}/read",
         rule(404, anon=401, firm_own=OK), target="notification",
         params=_ids("notification", "notification_id")),

    # reward policies: every user reads them and previews a reward; administrators edit
    Case("GET", "/api/v1/reward-policies", LOGGED_IN),
    Case("POST", "/api/v1/reward-policies", ADMIN_ONLY, json=_policy_create),
    Case("GET", "/api/v1/reward-policies/in-force", LOGGED_IN,
         query={"signed_on": "2026-06-01", "region": "福州市"}),
    Case("POST", "/api/v1/reward-policies/preview", LOGGED_IN,
         json=lambda w, s: {"contract_amount": "800000.00"}),
    Case("GET", "/api/v1/reward-policies/{policy_id}", LOGGED_IN, params=_policy),
    Case("GET", "/api/v1/reward-policies/{policy_id}/versions", LOGGED_IN, params=_policy),
    Case("PUT", "/api/v1/reward-policies/{policy_id}", ADMIN_ONLY, params=_policy,
         json=_policy_terms),

    # reward claims: a broker submits and reads their own; administrators review them all
    Case("POST", "/api/v1/claims", rule(403, anon=401, broker=404, broker_own=OK, admin=409),
         target="deal_paid", json=lambda w, s: {"deal_id": s["deal_paid"].id},
         why="only a broker on the deal claims; another broker does not see the deal; an "
             "administrator holds every permission but is no verified broker (409 "
             "broker_unverified)"),
    Case("GET", "/api/v1/claims", rule(403, anon=401, broker=OK, admin=OK)),
    Case("GET", "/api/v1/claims/{claim_id}", CLAIM_READ, target="claim",
         params=_ids("claim", "claim_id")),
    Case("POST", "/api/v1/claims/{claim_id}/review", ADMIN_ONLY, target="claim",
         params=_ids("claim", "claim_id")),
    Case("POST", "/api/v1/claims/{claim_id}/approve", ADMIN_ONLY, target="claim_under_review",
         params=_ids("claim_under_review", "claim_id")),
    Case("POST", "/api/v1/claims/{claim_id}/reject", ADMIN_ONLY, target="claim",
         params=_ids("claim", "claim_id"), json=lambda w, s: {"reason": "材料不全，不予受理"}),
    Case("POST", "/api/v1/claims/{claim_id}/pay", ADMIN_ONLY, target="claim_approved",
         params=_ids("claim_approved", "claim_id"),
         json=lambda w, s: {"payment_reference": "BANK-MATRIX-PAY"},
         why="the matrix's administrator did not approve it (four eyes)"),

    # payout batches and claw-backs: administrators
    Case("POST", "/api/v1/payouts", ADMIN_ONLY, target="claim_approved",
         json=lambda w, s: {"claim_ids": [s["claim_approved"].id], "note": "矩阵"}),
    Case("GET", "/api/v1/payouts", ADMIN_ONLY),
    Case("GET", "/api/v1/payouts/{batch_id}", ADMIN_ONLY, target="batch",
         params=_ids("batch", "batch_id")),
    Case("POST", "/api/v1/payouts/{batch_id}/pay", ADMIN_ONLY, target="batch",
         params=_ids("batch", "batch_id"),
         json=lambda w, s: {"bank_reference": "BANK-MATRIX-BATCH"}),
    Case("POST", "/api/v1/payouts/{batch_id}/cancel", ADMIN_ONLY, target="batch",
         params=_ids("batch", "batch_id")),
    Case("GET", "/api/v1/clawbacks", ADMIN_ONLY,
         why="a broker learns of a claw-back on their claim, not from this list"),
    Case("GET", "/api/v1/clawbacks/{clawback_id}", ADMIN_ONLY, target="clawback",
         params=_ids("clawback", "clawback_id")),
    Case("POST", "/api/v1/clawbacks/{clawback_id}/recovered", ADMIN_ONLY, target="clawback",
         params=_ids("clawback", "clawback_id"),
         json=lambda w, s: {"recovery_reference": "BANK-MATRIX-BACK"}),
    Case("POST", "/api/v1/clawbacks/{clawback_id}/review", ADMIN_ONLY,
         target="clawback_pending", params=_ids("clawback_pending", "clawback_id"),
         json=lambda w, s: {"decision": "due", "note": "项目已取消，应退回"}),

    # the broker's own payee account: the broker keeps it, administrators verify it
    Case("GET", "/api/v1/payee-accounts/mine", rule(403, anon=401, broker=OK)),
    Case("PUT", "/api/v1/payee-accounts/mine", rule(403, anon=401, broker=OK),
         json=lambda w, s: {"holder_name": "经纪人本人", "bank_name": "中国银行福州分行",
                            "account": "6216600100001234567"}),
    Case("GET", "/api/v1/payee-accounts", ADMIN_ONLY),
    Case("POST", "/api/v1/payee-accounts/{broker_id}/verification", ADMIN_ONLY,
         target="broker_profile", params=_ids("broker_profile", "broker_id"),
         json=lambda w, s: {"status": "verified"}),

    # the registration office's export: administrators
    Case("POST", "/api/v1/registry/imports", ADMIN_ONLY, upload=_registry_csv),
    Case("GET", "/api/v1/registry/imports", ADMIN_ONLY),
    Case("GET", "/api/v1/registry/contracts", ADMIN_ONLY),
    Case("GET", "/api/v1/registry/template", ADMIN_ONLY),

    # integrity: administrators only (the broker never sees the flags on their claim)
    Case("GET", "/api/v1/integrity/flags", ADMIN_ONLY),
    Case("POST", "/api/v1/integrity/flags/{flag_id}/dismiss", ADMIN_ONLY, target="flag",
         params=_ids("flag", "flag_id"), json=lambda w, s: {"reason": "经核实为正常交易"}),
    Case("POST", "/api/v1/integrity/flags/{flag_id}/confirm", ADMIN_ONLY, target="flag",
         params=_ids("flag", "flag_id"),
         json=lambda w, s: {"reason": "买卖双方为同一法定代表人控制", "colluding": ["buyer"]}),
    Case("POST", "/api/v1/integrity/scans", ADMIN_ONLY),
    Case("GET", "/api/v1/integrity/scans", ADMIN_ONLY),
    Case("GET", "/api/v1/integrity/dishonesty", ADMIN_ONLY),
    Case("POST", "/api/v1/integrity/dishonesty", ADMIN_ONLY,
         json=lambda w, s: {"subject_kind": "org", "subject_key": b.new_credit_code(),
                            "reason": "其他部门认定的失信主体"}),
    Case("GET", "/api/v1/integrity/dishonesty/{listing_id}", ADMIN_ONLY, target="dishonesty",
         params=_ids("dishonesty", "listing_id")),
    Case("POST", "/api/v1/integrity/dishonesty/{listing_id}/revoke", ADMIN_ONLY,
         target="dishonesty", params=_ids("dishonesty", "listing_id"),
         json=lambda w, s: {"reason": "复核后撤销"}),

    # exports and statistics for the bureau: administrators
    *(Case("GET", "/api/v1/exports/{dataset}", ADMIN_ONLY, query={"format": fmt},
           params=_const(dataset=name))
      for name, fmt in (("claims", "csv"), ("payouts", "csv"), ("clawbacks", "csv"),
                        ("flags", "csv"), ("audit", "xlsx"))),
    Case("GET", "/api/v1/exports/payouts/{batch_id}", ADMIN_ONLY, target="batch",
         params=_ids("batch", "batch_id"), query={"format": "csv"}),
    Case("GET", "/api/v1/stats/rewards", ADMIN_ONLY, query={"group_by": "broker"}),
    Case("GET", "/api/v1/stats/flags", ADMIN_ONLY),

    # help requests, visits and drafts (backend/intake)
    Case("GET", "/api/v1/help-requests", HELP_LISTS),
    Case("POST", "/api/v1/help-requests", rule(403, anon=401, firm=OK),
         json=lambda w, s: {"description": "产线良率低，希望经纪人上门挖掘需求。"}),
    Case("GET", "/api/v1/help-requests/{request_id}", HELP_READ, target="help_open",
         params=_help("help_open")),
    Case("POST", "/api/v1/help-requests/{request_id}/accept", HELP_BROKER_WORK,
         target="help_open", params=_help("help_open"),
         why="only a broker it is offered to; an administrator assigns instead"),
    Case("POST", "/api/v1/help-requests/{request_id}/decline", HELP_BROKER_WORK,
         target="help_open", params=_help("help_open")),
    Case("POST", "/api/v1/help-requests/{request_id}/assign", ADMIN_ONLY, target="help_open",
         params=_help("help_open"), json=lambda w, s: {"broker_id": s.spare.id}),
    Case("GET", "/api/v1/help-requests/{request_id}/candidates", ADMIN_ONLY, target="help_open",
         params=_help("help_open")),
    Case("POST", "/api/v1/help-requests/{request_id}/cancel",
         {**HELP_FIRM_DECISION, "admin": 403}, target="help_open", params=_help("help_open")),
    Case("POST", "/api/v1/help-requests/{request_id}/close",
         {**HELP_READ, "admin": 403}, target="help_accepted", params=_help("help_accepted"),
         why="the firm or its broker ends the work; an administrator has no part in it"),
    Case("GET", "/api/v1/help-requests/{request_id}/visits", HELP_READ, target="help_accepted",
         params=_help("help_accepted")),
    Case("POST", "/api/v1/help-requests/{request_id}/visits", HELP_BROKER_WORK,
         target="help_accepted", params=_help("help_accepted"), json=_visit_body),
    Case("PATCH", "/api/v1/help-requests/{request_id}/visits/{visit_id}", HELP_BROKER_WORK,
         target="help_accepted", params=_visit, json=lambda w, s: {"follow_ups": "已跟进"}),
    Case("POST", "/api/v1/help-requests/{request_id}/visits/{visit_id}/files",
         HELP_BROKER_WORK, target="help_accepted", params=_visit, upload=_pdf),
    Case("GET", "/api/v1/help-requests/{request_id}/visits/{visit_id}/files/{file_id}",
         HELP_READ, target="help_accepted",
         params=lambda w, s: {**_visit(w, s), "file_id": s.extra["visit_file_id"]}),
    Case("GET", "/api/v1/help-requests/{request_id}/drafts", HELP_READ, target="help_accepted",
         params=_help("help_accepted")),
    Case("POST", "/api/v1/help-requests/{request_id}/drafts", HELP_BROKER_WORK,
         target="help_accepted", params=_help("help_accepted"),
         json=lambda w, s: {"demand": _demand_body(w, s)}),
    Case("GET", "/api/v1/demand-drafts", HELP_LISTS),
    Case("GET", "/api/v1/demand-drafts/{draft_id}", HELP_READ, target="draft_submitted",
         params=_draft("draft_submitted")),
    Case("PATCH", "/api/v1/demand-drafts/{draft_id}", {**HELP_READ, "broker_own": 409,
                                                       "admin": 403},
         target="draft_submitted", params=_draft("draft_submitted"),
         json=lambda w, s: {"demand": {"title": "企业修改后的标题"}},
         why="the firm edits what waits for its decision; its broker may not meanwhile"),
    Case("PATCH", "/api/v1/demand-drafts/{draft_id}", {**HELP_READ, "firm_own": 409,
                                                       "admin": 403},
         target="draft_writing", params=_draft("draft_writing"),
         json=lambda w, s: {"demand": {"title": "经纪人修改后的标题"}}),
    Case("POST", "/api/v1/demand-drafts/{draft_id}/submit", HELP_BROKER_WORK,
         target="draft_writing", params=_draft("draft_writing")),
    Case("POST", "/api/v1/demand-drafts/{draft_id}/discard", HELP_BROKER_WORK,
         target="draft_writing", params=_draft("draft_writing")),
    Case("POST", "/api/v1/demand-drafts/{draft_id}/return", {**HELP_FIRM_DECISION, "admin": 403},
         target="draft_submitted", params=_draft("draft_submitted"),
         json=lambda w, s: {"note": "请补充预算"}),
    Case("POST", "/api/v1/demand-drafts/{draft_id}/approve",
         {**HELP_FIRM_DECISION, "admin": 403}, target="draft_submitted",
         params=_draft("draft_submitted"),
         why="nothing a broker drafts is published but by a member of the firm"),
    Case("PUT", "/api/v1/demand-drafts/{draft_id}/dossier", {**HELP_READ, "firm_own": 409,
                                                             "admin": 403},
         target="draft_writing", params=_draft("draft_writing"), json=_dossier_body),

    # confidential dossiers: whoever sees the demand knows of it; the owner, and those it admitted
    # who accepted its terms, read it; the owner manages access; administrators oversee the
    # grants and the view log but do not read the content
    Case("GET", "/api/v1/demands/{demand_id}/dossier", LOGGED_IN, target="dossier_demand",
         params=_demand("dossier_demand")),
    Case("PUT", "/api/v1/demands/{demand_id}/dossier", DEMAND_OWNER_VISIBLE,
         target="dossier_demand", params=_demand("dossier_demand"), json=_dossier_body),
    Case("GET", "/api/v1/dossiers/{dossier_id}", DOSSIER_CONTENT, target="dossier",
         params=_dossier),
    Case("GET", "/api/v1/dossiers/{dossier_id}/files/{file_id}", DOSSIER_CONTENT,
         target="dossier",
         params=lambda w, s: {**_dossier(w, s), "file_id": s.extra["dossier_file_id"]}),
    Case("GET", "/api/v1/dossiers/{dossier_id}/terms", LOGGED_IN, target="dossier",
         params=_dossier),
    Case("POST", "/api/v1/dossiers/{dossier_id}/terms/accept",
         rule(OK, anon=401, expert=403, inv=403),
         target="dossier", params=_dossier, json=lambda w, s: {"version": 1},
         why="experts and investors read no demand's dossier"),
    Case("POST", "/api/v1/dossiers/{dossier_id}/access-requests",
         rule(OK, anon=401, firm_own=409, admin=409, expert=403, inv=403), target="dossier",
         params=_dossier, json=lambda w, s: {"message": "希望查看"},
         why="its owner and administrators need none; experts and investors read no demand's "
             "dossier"),
    Case("GET", "/api/v1/dossiers/{dossier_id}/access", DOSSIER_OVERSIGHT, target="dossier",
         params=_dossier),
    Case("GET", "/api/v1/dossiers/{dossier_id}/views", DOSSIER_OVERSIGHT, target="dossier",
         params=_dossier),
    Case("POST", "/api/v1/dossiers/{dossier_id}/access/{user_id}/grant", DOSSIER_OWNER,
         target="dossier", params=lambda w, s: {**_dossier(w, s), "user_id": s.institute.id}),
    Case("POST", "/api/v1/dossiers/{dossier_id}/access/{user_id}/decline", DOSSIER_OWNER,
         target="dossier", params=lambda w, s: {**_dossier(w, s), "user_id": s.institute.id}),
    Case("POST", "/api/v1/dossiers/{dossier_id}/access/{user_id}/revoke", DOSSIER_OWNER,
         target="dossier", params=lambda w, s: {**_dossier(w, s), "user_id": s.spare.id}),
    Case("POST", "/api/v1/dossiers/{dossier_id}/files", DOSSIER_OWNER, target="dossier",
         params=_dossier, upload=_pdf),
    Case("GET", "/api/v1/dossiers", rule(403, anon=401, firm=OK, inst=OK, admin=OK),
         why="each organisation's own, its demands' and financing requests' (an "
             "administrator has none)"),
    Case("GET", "/api/v1/nda-terms", rule(403, anon=401, firm=OK, admin=OK)),
    Case("POST", "/api/v1/nda-terms", rule(403, anon=401, firm=OK),
         json=lambda w, s: {"text": "本企业保密协议（第二版）：接收方仅为评估合作使用资料，"
                                    "不得向第三方披露。"}),

    # the broker directory (public), training, promotion rules and proposals
    Case("GET", "/api/v1/broker-directory", PUBLIC),
    Case("GET", "/api/v1/broker-directory/me", rule(403, anon=401, broker=OK)),
    Case("PUT", "/api/v1/broker-directory/me", rule(403, anon=401, broker=OK),
         json=lambda w, s: {"region": "福州市", "languages": ["中文", "English"],
                            "bio": "专注智能装备领域技术转移。"}),
    Case("GET", "/api/v1/broker-directory/{broker_id}", PUBLIC, target="broker_profile",
         params=_ids("broker_profile", "broker_id")),
    Case("GET", "/api/v1/brokers/{broker_id}/training",
         rule(404, anon=401, admin=OK, broker_own=OK), target="broker_profile",
         params=_ids("broker_profile", "broker_id")),
    Case("POST", "/api/v1/brokers/{broker_id}/training", ADMIN_ONLY, target="broker_profile",
         params=_ids("broker_profile", "broker_id"),
         json=lambda w, s: {"kind": "course", "title": "技术经纪人中级培训", "hours": "16",
                            "completed_on": today().isoformat()}),
    Case("GET", "/api/v1/grade-rules", LOGGED_IN),
    Case("PUT", "/api/v1/grade-rules/{level}", ADMIN_ONLY, params=_const(level="intermediate"),
         json=lambda w, s: {"min_training_hours": "40", "min_registered_deals": 3,
                            "min_deal_value": "1000000", "window_months": 24}),
    Case("GET", "/api/v1/grade-proposals", ADMIN_ONLY),
    Case("POST", "/api/v1/grade-proposals/evaluate", ADMIN_ONLY),
    Case("POST", "/api/v1/grade-proposals/{proposal_id}/confirm", ADMIN_ONLY, target="proposal",
         params=_ids("proposal", "proposal_id"), json=lambda w, s: {"note": "符合条件"}),
    Case("POST", "/api/v1/grade-proposals/{proposal_id}/reject", ADMIN_ONLY, target="proposal",
         params=_ids("proposal", "proposal_id"), json=lambda w, s: {"note": "材料待补"}),

    # experts: registration is public; administrators keep the pool, invitations and conflicts;
    # an expert edits their own profile
    Case("POST", "/api/v1/experts/register", PUBLIC, json=_expert_registration),
    Case("GET", "/api/v1/experts", ADMIN_ONLY),
    Case("GET", "/api/v1/experts/me", EXPERT_ONLY),
    Case("PUT", "/api/v1/experts/me", EXPERT_ONLY, json=lambda w, s: _expert_profile()),
    Case("GET", "/api/v1/experts/{user_id}", ADMIN_ONLY, target="expert_profile",
         params=_ids("expert_profile", "user_id")),
    Case("POST", "/api/v1/experts/{user_id}/verification", ADMIN_ONLY, target="expert_pending",
         params=_ids("expert_pending", "user_id"), json=_const(approve=True, note="核实")),
    Case("GET", "/api/v1/experts/{user_id}/conflicts", ADMIN_ONLY, target="expert_profile",
         params=lambda w, s: {"user_id": s["expert_profile"].id,
                              "organisation_id": s.institute.organisation_id}),
    Case("POST", "/api/v1/experts/{user_id}/conflicts", ADMIN_ONLY, target="expert_profile",
         params=_ids("expert_profile", "user_id"),
         json=lambda w, s: {"organisation_id": s.institute.organisation_id,
                            "reason": "曾合作发表论文"}),
    Case("GET", "/api/v1/experts/{user_id}/manual-conflicts", ADMIN_ONLY,
         target="expert_profile", params=_ids("expert_profile", "user_id")),
    Case("DELETE", "/api/v1/experts/{user_id}/conflicts/{conflict_id}", ADMIN_ONLY,
         target="expert_profile",
         params=lambda w, s: {"user_id": s["expert_profile"].id,
                              "conflict_id": s.extra["manual_conflict_id"]}),
    Case("GET", "/api/v1/expert-invitations", ADMIN_ONLY),
    Case("POST", "/api/v1/expert-invitations", ADMIN_ONLY,
         json=_const(name="新专家", contact="13800000000", kind="investor")),
    Case("DELETE", "/api/v1/expert-invitations/{invitation_id}", ADMIN_ONLY,
         target="expert_invitation", params=_ids("expert_invitation", "invitation_id")),

    # proof-of-concept requests: the institute asks about its own achievements and reads its
    # own requests (the report once decided); administrators organise the panels
    Case("GET", "/api/v1/poc-requests", rule(403, anon=401, inst=OK, admin=OK)),
    Case("POST", "/api/v1/poc-requests", rule(403, anon=401, inst=404, inst_own=OK),
         target="poc_achievement",
         json=lambda w, s: {"achievement_id": s["poc_achievement"].id, "note": "评估"}),
    Case("GET", "/api/v1/poc-requests/stats", ADMIN_ONLY),
    Case("GET", "/api/v1/poc-requests/{request_id}", POC_READ, target="poc_request",
         params=_ids("poc_request", "request_id")),
    Case("PUT", "/api/v1/poc-requests/{request_id}/publish",
         rule(403, anon=401, inst=404, inst_own=OK), target="poc_decided",
         params=_ids("poc_decided", "request_id"), json=_const(publish_summary=False)),
    Case("GET", "/api/v1/poc-requests/{request_id}/report", POC_READ, target="poc_decided",
         params=_ids("poc_decided", "request_id")),
    Case("GET", "/api/v1/poc-requests/{request_id}/report.xlsx", POC_READ, target="poc_decided",
         params=_ids("poc_decided", "request_id")),
    Case("GET", "/api/v1/poc-requests/{request_id}/report.pdf", POC_READ, target="poc_decided",
         params=_ids("poc_decided", "request_id")),
    Case("POST", "/api/v1/poc-requests/{request_id}/accept", ADMIN_ONLY, target="poc_request",
         params=_ids("poc_request", "request_id"), json=_const()),
    Case("POST", "/api/v1/poc-requests/{request_id}/decline", ADMIN_ONLY, target="poc_request",
         params=_ids("poc_request", "request_id"), json=_const(note="材料不全")),
    Case("GET", "/api/v1/poc-requests/{request_id}/candidates", ADMIN_ONLY,
         target="poc_request", params=_ids("poc_request", "request_id")),
    Case("POST", "/api/v1/poc-requests/{request_id}/swap", ADMIN_ONLY, target="poc_panel",
         params=_ids("poc_panel", "request_id"),
         json=lambda w, s: {"assignment_id": s.extra["investor_seat"],
                            "expert_id": s.extra["spare_investor"]}),
    Case("POST", "/api/v1/poc-requests/{request_id}/confirm", ADMIN_ONLY, target="poc_panel",
         params=_ids("poc_panel", "request_id")),
    Case("POST", "/api/v1/poc-requests/{request_id}/decide", ADMIN_ONLY, target="poc_outlier",
         params=_ids("poc_outlier", "request_id"),
         json=_const(passed=True, reviewed_trl=5, summary="复核通过")),

    # a review's dossier
    Case("GET", "/api/v1/poc-requests/{request_id}/files", POC_DOSSIER_READ,
         target="poc_dossier", params=_ids("poc_dossier", "request_id"),
         why="and the experts seated on its panel without a conflict of interest"),
    Case("POST", "/api/v1/poc-requests/{request_id}/files", POC_DOSSIER_WRITE,
         target="poc_dossier", params=_ids("poc_dossier", "request_id"),
         form=_const(category="data"), upload=lambda w, s: ("中试数据.pdf", PDF,
                                                            "application/pdf")),
    Case("GET", "/api/v1/poc-requests/{request_id}/files/{file_id}", POC_DOSSIER_READ,
         target="poc_dossier", params=_dossier_file,
         why="and the experts seated on its panel without a conflict of interest"),
    Case("DELETE", "/api/v1/poc-requests/{request_id}/files/{file_id}", POC_DOSSIER_WRITE,
         target="poc_dossier", params=_dossier_file),

    # review assignments: each expert's own
    Case("GET", "/api/v1/review-assignments", EXPERT_ONLY),
    Case("GET", "/api/v1/review-assignments/{assignment_id}", EXPERT_SEAT,
         target="assignment_invited", params=_ids("assignment_invited", "assignment_id")),
    Case("POST", "/api/v1/review-assignments/{assignment_id}/accept", EXPERT_SEAT,
         target="assignment_invited", params=_ids("assignment_invited", "assignment_id")),
    Case("POST", "/api/v1/review-assignments/{assignment_id}/decline", EXPERT_SEAT,
         target="assignment_invited", params=_ids("assignment_invited", "assignment_id")),
    Case("PUT", "/api/v1/review-assignments/{assignment_id}/review", EXPERT_SEAT,
         target="assignment_accepted", params=_ids("assignment_accepted", "assignment_id"),
         json=_review),
    # challenges (揭榜挂帅): public when published; drafts, proposals and milestones not
    Case("GET", "/api/v1/challenges", PUBLIC, why="published and past ones; drafts to their "
                                                  "issuer"),
    Case("POST", "/api/v1/challenges", rule(403, anon=401, firm=OK, admin=OK),
         json=lambda w, s: cb.challenge_body(), why="a verified firm, or the bureau"),
    Case("GET", "/api/v1/challenges/{challenge_id}", PUBLIC, target="challenge_open",
         params=_challenge("challenge_open")),
    Case("GET", "/api/v1/challenges/{challenge_id}", rule(404, firm_own=OK, admin=OK),
         target="challenge_draft", params=_challenge("challenge_draft")),
    Case("PUT", "/api/v1/challenges/{challenge_id}", CHALLENGE_ISSUER_UNSEEN,
         target="challenge_draft", params=_challenge("challenge_draft"),
         json=lambda w, s: cb.challenge_body()),
    Case("PUT", "/api/v1/challenges/{challenge_id}/top-up", rule(403, anon=401, firm=404,
                                                                  admin=OK),
         target="challenge_draft", params=_challenge("challenge_draft"),
         json=lambda w, s: {"top_up": "0.00"}, why="the bureau's top-up (悬赏), to a draft"),
    Case("POST", "/api/v1/challenges/{challenge_id}/transitions", CHALLENGE_ISSUER_UNSEEN,
         target="challenge_draft", params=_challenge("challenge_draft"),
         json=lambda w, s: {"to_status": "published"}),
    Case("POST", "/api/v1/challenges/{challenge_id}/transitions", CHALLENGE_ISSUER,
         target="challenge_open", params=_challenge("challenge_open"),
         json=lambda w, s: {"to_status": "closed"}),
    Case("POST", "/api/v1/challenges/{challenge_id}/selection", CHALLENGE_ISSUER,
         target="challenge_review", params=_challenge("challenge_review"), json=_selection),
    Case("POST", "/api/v1/challenges/{challenge_id}/proposals",
         rule(403, anon=401, firm=OK, inst=OK, inst_own=409), target="challenge_open",
         params=_challenge("challenge_open"), json=lambda w, s: cb.proposal_body(),
         why="verified firms and institutes other than the issuer; one per organisation"),
    Case("GET", "/api/v1/challenges/{challenge_id}/proposals", rule(OK, anon=401),
         target="challenge_open", params=_challenge("challenge_open"),
         why="the issuer and administrators all, a solver its own team's"),
    Case("GET", "/api/v1/challenges/{challenge_id}/proposals/{proposal_id}",
         CHALLENGE_TEAM_READ, target="challenge_proposal", params=_proposal),
    Case("PUT", "/api/v1/challenges/{challenge_id}/proposals/{proposal_id}",
         CHALLENGE_TEAM_WORK, target="challenge_proposal", params=_proposal,
         json=lambda w, s: cb.proposal_body(), why="the lead organisation, until the deadline"),
    Case("GET", "/api/v1/challenges/invitations",
         rule(403, anon=401, firm=OK, firm_own=OK, inst=OK, inst_own=OK, admin=OK),
         why="firms and institutes: the proposals their organisation is named on as a member "
             "(an administrator's list is empty)"),
    Case("GET", "/api/v1/challenges/{challenge_id}/partners",
         rule(403, anon=401, firm=OK, firm_own=OK, inst=OK, inst_own=OK, admin=OK),
         target="challenge_open", params=_challenge("challenge_open"), query={"q": "测试"},
         why="firms and institutes naming a joint team's members: verified organisations "
             "the challenge admits, by name (name, kind, region only)"),
    Case("POST", "/api/v1/challenges/{challenge_id}/proposals/{proposal_id}/membership",
         rule(404, anon=401, broker=403, broker_own=403, firm_own=403, inst_own=403,
              admin=403),
         target="challenge_proposal", params=_proposal, json=lambda w, s: {"accept": True},
         why="only an organisation named as a member answers; the lead and the issuer have "
             "nothing to answer (403), strangers do not see the proposal"),
    Case("GET", "/api/v1/challenges/{challenge_id}/proposals/{proposal_id}/files",
         CHALLENGE_TEAM_READ, target="challenge_proposal", params=_proposal),
    Case("POST", "/api/v1/challenges/{challenge_id}/proposals/{proposal_id}/files",
         CHALLENGE_TEAM_WORK, target="challenge_proposal", params=_proposal, upload=_pdf,
         why="the lead organisation, until the deadline"),
    Case("GET", "/api/v1/challenges/{challenge_id}/proposals/{proposal_id}/files/{file_id}",
         CHALLENGE_TEAM_READ, target="challenge_proposal",
         params=lambda w, s: {**_proposal(w, s),
                              "file_id": s.extra["challenge_proposal_file_id"]}),
    Case("DELETE", "/api/v1/challenges/{challenge_id}/proposals/{proposal_id}/files/{file_id}",
         CHALLENGE_TEAM_WORK, target="challenge_proposal",
         params=lambda w, s: {**_proposal(w, s),
                              "file_id": s.extra["challenge_proposal_file_id"]}),
    Case("GET", "/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/files",
         CHALLENGE_TEAM_READ, target="challenge_delivery", params=_milestone("pending")),
    Case("POST", "/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/files",
         CHALLENGE_TEAM_WORK, target="challenge_delivery", params=_milestone("pending"),
         upload=_pdf, why="the winner, until the milestone is accepted"),
    Case("GET", "/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/files/{file_id}",
         CHALLENGE_TEAM_READ, target="challenge_delivery",
         params=lambda w, s: {**_milestone("pending")(w, s),
                              "file_id": s.extra["challenge_milestone_file_id"]}),
    Case("GET", "/api/v1/challenges/{challenge_id}/milestones", CHALLENGE_TEAM_READ,
         target="challenge_delivery", params=_challenge("challenge_delivery")),
    Case("POST", "/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/evidence",
         CHALLENGE_TEAM_WORK, target="challenge_delivery", params=_milestone("pending"),
         json=lambda w, s: {"text": "测试报告"}),
    Case("POST", "/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/expert-check",
         rule(403, anon=401, expert=404), target="challenge_delivery",
         params=_milestone("submitted"), json=lambda w, s: {"note": "指标达到"},
         why="a reviewer seated on a challenge that asks for the check (none here: 404)"),
    Case("POST", "/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/accept",
         CHALLENGE_ISSUER_UNSEEN, target="challenge_delivery", params=_milestone("submitted"),
         why="the issuer; others who cannot see the milestones get 404"),
    Case("POST", "/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/reject",
         CHALLENGE_ISSUER_UNSEEN, target="challenge_delivery", params=_milestone("submitted"),
         json=lambda w, s: {"reason": "未达标"}),
    Case("POST", "/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/payment",
         CHALLENGE_ISSUER_UNSEEN, target="challenge_delivery", params=_milestone("accepted"),
         json=lambda w, s: {"paid_on": today().isoformat(), "reference": "BANK-CH-1"},
         why="only once the milestone is accepted"),
    Case("POST", "/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/receipt",
         CHALLENGE_TEAM_WORK, target="challenge_delivery", params=_milestone("paid"),
         json=lambda w, s: {"confirmed": True},
         why="the winner confirms receiving a recorded payment (or disputes it)"),
    Case("GET", "/api/v1/challenges/reviewing", EXPERT_ONLY, why="the expert's own seats"),
    Case("POST", "/api/v1/challenges/{challenge_id}/review",
         rule(403, anon=401, firm_own=OK, admin=OK), target="challenge_closed",
         params=_challenge("challenge_closed"),
         json=lambda w, s: {"seats": ["entrepreneur"]},
         why="the issuer or an administrator; a panel without conflicts"),
    Case("GET", "/api/v1/challenges/{challenge_id}/review",
         rule(404, anon=401, firm_own=OK, admin=OK, expert_own=OK), target="challenge_panel",
         params=_challenge("challenge_panel"),
         why="a seated reviewer sees the ranking only once they submitted"),
    Case("POST", "/api/v1/challenges/{challenge_id}/review/seats/{seat_id}/replace",
         rule(403, anon=401, firm_own=OK, admin=OK), target="challenge_panel",
         params=lambda w, s: {"challenge_id": s["challenge_panel"].id,
                              "seat_id": s.extra["panel_seat_id"]}),
    Case("PUT", "/api/v1/challenges/{challenge_id}/review/scores", EXPERT_SEAT,
         target="challenge_panel", params=_challenge("challenge_panel"),
         json=lambda w, s: {"reviews": [{"proposal_id": s["panel_proposal"].id,
                                         "scores": {"c1": 4, "c2": 3}}]},
         why="a seated reviewer, once"),
    Case("GET", "/api/v1/challenges/{challenge_id}/proposals/{proposal_id}",
         rule(404, anon=401, firm_own=OK, inst_own=OK, admin=OK, expert_own=OK),
         target="panel_proposal",
         params=lambda w, s: {"challenge_id": s["challenge_panel"].id,
                              "proposal_id": s["panel_proposal"].id},
         why="its seated reviewers too, while seated"),
    # A challenge's dossier (issue 22): its issuer, administrators, seated reviewers and the
    # eligible would-be solvers (every verified firm or institute here) learn it has one; its
    # content goes through /api/v1/dossiers, behind a grant (none for reviewers) and the terms.
    Case("GET", "/api/v1/challenges/{challenge_id}/dossier",
         rule(404, anon=401, admin=OK, firm=OK, firm_own=OK, inst=OK, inst_own=OK),
         target="challenge_open", params=_challenge("challenge_open"),
         why="never its content: whether the caller may read it"),
    Case("GET", "/api/v1/challenges/{challenge_id}/dossier",
         rule(404, anon=401, admin=OK, firm=OK, firm_own=OK, inst=OK, inst_own=OK,
              expert_own=OK), target="challenge_panel", params=_challenge("challenge_panel"),
         why="its seated reviewers too"),
    Case("PUT", "/api/v1/challenges/{challenge_id}/dossier", CHALLENGE_ISSUER,
         target="challenge_open", params=_challenge("challenge_open"),
         json=lambda w, s: {"details": "基板叠层结构（保密）", "volumes": "", "budget": None}),
    Case("PUT", "/api/v1/challenges/{challenge_id}/dossier", CHALLENGE_ISSUER_UNSEEN,
         target="challenge_draft", params=_challenge("challenge_draft"),
         json=lambda w, s: {"details": "基板叠层结构（保密）", "volumes": "", "budget": None}),
    Case("GET", "/api/v1/dossiers/{dossier_id}",
         rule(403, anon=401, firm_own=OK, broker=404, broker_own=404, expert=404,
              expert_own=403, inv=404, inv_own=404), target="challenge_panel",
         params=lambda w, s: {"dossier_id": s.extra["challenge_dossier_id"]},
         why="solvers need a grant, the seated reviewer the accepted terms; others know nothing"),

    # the audit chain's signed checkpoints: administrators
    Case("GET", "/api/v1/audit/checkpoint", ADMIN_ONLY),
    Case("POST", "/api/v1/audit/checkpoint/verify", ADMIN_ONLY,
         json=lambda w, s: w.checkpoint),
    Case("GET", "/api/v1/audit/public-key", ADMIN_ONLY),

    # the capital chain (backend/capital): investors' mandates and feed, financing requests
    Case("GET", "/api/v1/investors", rule(403, anon=401, firm=OK, inst=OK, admin=OK, inv=403),
         why="to name a request's investors"),
    Case("GET", "/api/v1/investors/me/mandate", INVESTOR_OWN),
    Case("PUT", "/api/v1/investors/me/mandate", INVESTOR_OWN, json=_mandate_body),
    Case("GET", "/api/v1/investors/me/feed", INVESTOR_OWN,
         why="published requests in its audience that fit its mandate"),
    Case("GET", "/api/v1/financing-requests", rule(OK, anon=401, inv=OK)),
    Case("POST", "/api/v1/financing-requests",
         rule(403, anon=401, firm=OK, inst=422, admin=409, inv=403), json=_financing_body,
         why="a firm for a demand or a project, an institute for one of its achievements"),
    Case("GET", "/api/v1/financing-requests/{request_id}", FINANCING_DRAFT_READ,
         target="financing_draft", params=_financing("financing_draft")),
    Case("GET", "/api/v1/financing-requests/{request_id}", FINANCING_READ,
         target="financing", params=_financing("financing")),
    Case("GET", "/api/v1/financing-requests/{request_id}", {**FINANCING_READ, "inv": 404},
         target="financing_named", params=_financing("financing_named")),
    Case("PATCH", "/api/v1/financing-requests/{request_id}", FINANCING_OWNER,
         target="financing_draft", params=_financing("financing_draft"),
         json=lambda w, s: {"amount": "2500000.00"}),
    Case("POST", "/api/v1/financing-requests/{request_id}/publish", FINANCING_OWNER,
         target="financing_draft", params=_financing("financing_draft")),
    Case("POST", "/api/v1/financing-requests/{request_id}/withdraw", FINANCING_OWNER,
         target="financing_draft", params=_financing("financing_draft")),
    Case("POST", "/api/v1/financing-requests/{request_id}/close", FINANCING_OWNER,
         target="financing", params=_financing("financing")),
    Case("GET", "/api/v1/financing-requests/{request_id}/interests", FINANCING_READ,
         target="financing", params=_financing("financing"),
         why="the owner and administrators see every investor's; an investor its own"),
    Case("POST", "/api/v1/financing-requests/{request_id}/interest",
         rule(403, anon=401, admin=409, inv=404, inv_own=OK), target="financing_named",
         params=_financing("financing_named"), json=lambda w, s: {"note": "希望进一步了解"}),
    Case("POST", "/api/v1/financing-requests/{request_id}/outcome",
         rule(403, anon=401, admin=409, inv=409, inv_own=OK), target="financing",
         params=_financing("financing"),
         json=lambda w, s: {"status": "declined", "reason": "不在本期投资计划内"},
         why="an investor that marked interest records where it led"),
    # A financing request's dossier: whoever sees the request learns it has one (its content
    # goes through /api/v1/dossiers, behind a grant and the terms); its owner writes it.
    Case("GET", "/api/v1/financing-requests/{request_id}/dossier", FINANCING_READ,
         target="financing", params=_financing("financing"),
         why="never its content: whether the caller may read it"),
    Case("PUT", "/api/v1/financing-requests/{request_id}/dossier", FINANCING_OWNER,
         target="financing", params=_financing("financing"),
         json=lambda w, s: {"details": "融资尽调资料（保密）", "volumes": "", "budget": None}),

    # industry chains (产业链图谱): administrators edit; everyone signed in reads; not public
    Case("GET", "/api/v1/chains", LOGGED_IN),
    Case("POST", "/api/v1/chains", ADMIN_ONLY, json=lambda w, s: chainb.chain_body("matrix-new")),
    Case("POST", "/api/v1/chains/import", ADMIN_ONLY, upload=_chain_xlsx("matrix-new"),
         why="a new chain from a workbook"),
    Case("GET", "/api/v1/chains/{chain_id}", LOGGED_IN, params=_chain),
    Case("PUT", "/api/v1/chains/{chain_id}", ADMIN_ONLY, params=_chain,
         json=lambda w, s: chainb.graph_body(), why="a new version of the graph"),
    Case("PUT", "/api/v1/chains/{chain_id}/import", ADMIN_ONLY, params=_chain,
         upload=_chain_xlsx("matrix")),
    Case("GET", "/api/v1/chains/{chain_id}/export", LOGGED_IN, params=_chain),
    Case("GET", "/api/v1/chains/{chain_id}/versions", LOGGED_IN, params=_chain),
    Case("GET", "/api/v1/chains/{chain_id}/versions/{number}", LOGGED_IN,
         params=lambda w, s: {"chain_id": s.extra["chain_id"], "number": 1}),
    Case("POST", "/api/v1/chains/{chain_id}/placements/auto", ADMIN_ONLY, params=_chain),
    Case("GET", "/api/v1/chains/{chain_id}/placements", LOGGED_IN, params=_chain,
         why="placements of listings the caller may see"),
    Case("POST", "/api/v1/chains/{chain_id}/placements", CHAIN_PLACER, target="demand",
         params=_chain, json=lambda w, s: {"node_key": "seals", "listing_kind": "demand",
                                           "listing_id": s["demand"].id},
         why="administrators any listing; a member its organisation's own"),
    Case("GET", "/api/v1/chains/{chain_id}/figures", LOGGED_IN, params=_chain,
         why="counts per node, names no listing"),
    Case("GET", "/api/v1/chains/{chain_id}/gaps", LOGGED_IN, params=_chain,
         why="best achievements among those the caller may see"),
    Case("GET", "/api/v1/chains/{chain_id}/gaps/{node_key}/challenge-draft",
         rule(403, anon=401, firm=OK, admin=OK),
         params=lambda w, s: {"chain_id": s.extra["chain_id"], "node_key": "seals"},
         why="those who may issue a challenge"),
    Case("GET", "/api/v1/chains/{chain_id}/report", ADMIN_ONLY, params=_chain,
         query={"year": 2026, "quarter": 4}, why="the bureau's quarterly report"),
    Case("DELETE", "/api/v1/chains/{chain_id}/placements/{placement_id}", CHAIN_PLACER,
         target="demand", params=lambda w, s: {"chain_id": s.extra["chain_id"],
                                               "placement_id": s.extra["placement_id"]}),
    Case("GET", "/api/v1/chains/{chain_id}/report.pdf", ADMIN_ONLY, params=_chain,
         query={"year": 2026, "quarter": 4}, why="the quarterly report as a PDF"),
    Case("GET", "/api/v1/chains/listings/{listing_kind}/{listing_id}/placements", LOGGED_IN,
         target="demand", params=lambda w, s: {"listing_kind": "demand",
                                               "listing_id": s["demand"].id},
         why="where a listing sits, for those who may see it"),
    Case("GET", "/api/v1/chains/listings/{listing_kind}/{listing_id}/placements",
         rule(404, anon=401, firm_own=OK, admin=OK), target="demand_draft",
         params=lambda w, s: {"listing_kind": "demand", "listing_id": s["demand_draft"].id}),
    Case("POST", "/api/v1/financing-requests/{request_id}/interests/{interest_id}/confirm",
         FINANCING_OWNER, target="financing", params=_financing_interest,
         why="the owner's word on a term sheet's amount: only then does it count"),
    Case("POST", "/api/v1/financing-requests/{request_id}/interests/{interest_id}/dispute",
         FINANCING_OWNER, target="financing", params=_financing_interest,
         json=lambda w, s: {"reason": "金额不符"}),
    Case("GET", "/api/v1/financing-requests/{request_id}/threads",
         {**FINANCING_READ, "inv": 404},
         target="financing_named", params=_financing("financing_named"),
         why="the owner and administrators see every investor's thread; an investor its own"),
    Case("POST", "/api/v1/financing-requests/{request_id}/threads",
         rule(403, anon=401, admin=409, inv=404, inv_own=OK), target="financing_named",
         params=_financing("financing_named"), json=lambda w, s: {"body": "估值预期？"}),
    Case("POST", "/api/v1/financing-requests/{request_id}/threads/{investor_id}",
         FINANCING_OWNER, target="financing_named", params=_financing_thread,
         json=lambda w, s: {"body": "已补充。"}, why="the owner answers an investor's thread"),
    # roadshows (路演): administrators organise; owners consent; invited investors register
    Case("GET", "/api/v1/roadshows", rule(OK, anon=401),
         why="administrators all; investors those invited to; owners those presenting at"),
    Case("POST", "/api/v1/roadshows", ADMIN_ONLY, json=_roadshow_body),
    Case("GET", "/api/v1/roadshows/{roadshow_id}", ROADSHOW_READ, target="roadshow",
         params=_roadshow("roadshow"),
         why="a presenting request's summary to registered investors only after consent"),
    Case("PUT", "/api/v1/roadshows/{roadshow_id}", ADMIN_ONLY, target="roadshow",
         params=_roadshow("roadshow"), json=_roadshow_body),
    Case("POST", "/api/v1/roadshows/{roadshow_id}/presentations", ADMIN_ONLY,
         target="roadshow", params=_roadshow("roadshow"),
         json=lambda w, s: {"request_id": s["financing_named"].id}),
    Case("POST", "/api/v1/roadshows/{roadshow_id}/investors", ADMIN_ONLY, target="roadshow",
         params=_roadshow("roadshow"),
         json=lambda w, s: {"organisation_id": s.extra["spare_investor_org"]}),
    Case("POST", "/api/v1/roadshows/{roadshow_id}/hold", ADMIN_ONLY, target="roadshow",
         params=_roadshow("roadshow")),
    Case("POST", "/api/v1/roadshows/{roadshow_id}/cancel", ADMIN_ONLY, target="roadshow",
         params=_roadshow("roadshow")),
    Case("POST", "/api/v1/roadshows/{roadshow_id}/presentations/{request_id}/consent",
         FINANCING_OWNER, target="roadshow", params=_presentation("roadshow"),
         json=lambda w, s: {"accept": False}, why="the request's owner consents or declines"),
    Case("POST", "/api/v1/roadshows/{roadshow_id}/registration",
         rule(403, anon=401, admin=409, inv=404, inv_own=OK), target="roadshow",
         params=_roadshow("roadshow"), why="an invited investor registers"),
    Case("PUT", "/api/v1/roadshows/{roadshow_id}/presentations/{request_id}/interest",
         rule(403, anon=401, admin=409, inv=404, inv_own=OK), target="roadshow_held",
         params=_presentation("roadshow_held"), json=lambda w, s: {"status": "meeting"},
         why="a registered investor, after the event, on a project that presented"),
    Case("GET", "/api/v1/roadshows/{roadshow_id}/interests", ROADSHOW_READ,
         target="roadshow_held", params=_roadshow("roadshow_held")),
    # the capital chain's statistics (confirmed money only) and the public totals
    Case("GET", "/api/v1/capital/statistics", ADMIN_ONLY),
    Case("GET", "/api/v1/capital/totals", PUBLIC, why="the market page's totals only"),
    # the challenges' dashboard for the bureau (confirmed payments only)
    Case("GET", "/api/v1/challenges/statistics", ADMIN_ONLY),
]

# Routes without a rule yet, each with the reason. Empty: every route is ruled above.
PENDING: dict[str, str] = {}

# Not API routes: the built single-page app and its client-side routes (static, public).
NOT_API = {"GET /{path:path}"}
