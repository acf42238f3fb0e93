"""The integrity rules (风险提示规则): each a pure function from a claim's context to flags.

A rule reads only its `ClaimContext`, returns zero or more `Flag`s with the evidence that
raised them, and never blocks on its own except `dishonesty_list`, whose listed subjects may not
claim. Evidence is JSON: amounts are decimal strings to the fen, percentages and scores
decimal strings, dates ISO 8601, keys as given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, localcontext
from types import MappingProxyType

from backend.integrity.context import (
    JSON,
    ClaimContext,
    ClaimInfo,
    ContractInfo,
    Flag,
    HolderKind,
    Key,
    Party,
    RuleSettings,
    Severity,
    SubjectKind,
    local_date,
    log_amount,
)
from backend.rewards.calculation import HUNDRED, bracket_boundaries, to_fen

Rule = Callable[[ClaimContext], list[Flag]]
DEFAULT_SETTINGS = RuleSettings()

ZERO = Decimal(0)
_MAD_TO_SIGMA = Decimal("1.4826")      # MAD × this estimates σ for normal data
_MEAN_AD_TO_SIGMA = Decimal("1.2533")  # mean absolute deviation × this estimates σ


def _money(value: Decimal) -> str:
    return str(to_fen(value))


def _yuan(value: Decimal) -> str:
    return f"{to_fen(value):,.2f}"


def _pct(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _within(a: date, b: date, days: int) -> bool:
    return abs((a - b).days) <= days


def _unique_by_id(items: Iterable[ClaimInfo]) -> list[ClaimInfo]:
    seen: set[int] = set()
    result = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            result.append(item)
    return result


def _unique_contracts(items: Iterable[ContractInfo]) -> list[ContractInfo]:
    seen: set[int] = set()
    result = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            result.append(item)
    return result


def _contract_brief(contract: ContractInfo) -> dict[str, JSON]:
    return {"contract_id": contract.id, "amount": _money(contract.amount),
            "signed_on": contract.signed_on.isoformat()}


# ---------------------------------------------------------------------------------------------
# related_party (关联交易)

_ROLES = ("legal_representative", "officer", "shareholder")
_IDENTIFIERS = ("address", "phone", "email_domain", "bank_account")
# Links through people, control or money are critical; a shared address, phone or e-mail
# domain alone (a science park, a shared switchboard) is a warning.
_STRONG_LINKS = frozenset({"legal_representative", "officer", "shareholder", "person",
                           "org_shareholder", "control", "employer", "bank_account"})
_SIDE_ZH = {"buyer": "买方", "seller": "卖方", "broker": "经纪人", "agency": "经纪人所在机构"}
_SIDE_EN = {"buyer": "buyer", "seller": "seller", "broker": "the broker",
            "agency": "the broker's agency"}
_LINK_ZH = {
    "legal_representative": "法定代表人相同", "officer": "有共同的董事或高级管理人员",
    "shareholder": "有共同的主要股东", "person": "同一自然人在双方任职或持股",
    "org_shareholder": "有共同的法人主要股东", "control": "一方持有另一方主要股权",
    "address": "注册地址相同", "phone": "联系电话相同", "email_domain": "邮箱域名相同",
    "bank_account": "银行账户相同", "employer": "经纪人受雇于该方",
}
_LINK_EN = {
    "legal_representative": "same legal representative", "officer": "a common director or "
    "senior manager", "shareholder": "a common major shareholder", "person": "one person "
    "holds positions or shares in both", "org_shareholder": "a common corporate major "
    "shareholder", "control": "one holds a major stake in the other", "address": "same "
    "registered address", "phone": "same phone", "email_domain": "same e-mail domain",
    "bank_account": "same bank account", "employer": "the broker is employed by it",
}
_BROKER_LINK_ZH = {"legal_representative": "经纪人是其法定代表人",
                   "officer": "经纪人是其董事或高级管理人员", "shareholder": "经纪人持有其股份"}
_BROKER_LINK_EN = {"legal_representative": "the broker is its legal representative",
                   "officer": "the broker is its director or senior manager",
                   "shareholder": "the broker holds shares in it"}


def _holdings(party: Party, kind: HolderKind) -> dict[Key, Decimal]:
    held: dict[Key, Decimal] = {}
    for holder in party.shareholders:
        if holder.kind is kind:
            held[holder.key] = held.get(holder.key, ZERO) + holder.percent
    return held


def _key_people(party: Party, threshold: Decimal) -> dict[Key, dict[str, Decimal | None]]:
    """Person key → the roles that make the person significant, with the holding if any."""
    people: dict[Key, dict[str, Decimal | None]] = {}
    people.setdefault(party.legal_rep, {})["legal_representative"] = None
    for officer in party.officers:
        people.setdefault(officer, {})["officer"] = None
    for key, percent in _holdings(party, HolderKind.PERSON).items():
        if percent >= threshold:
            people.setdefault(key, {})["shareholder"] = percent
    return people


def _org_links(a: Party, a_side: str, b: Party, b_side: str, ctx: ClaimContext
               ) -> list[dict[str, JSON]]:
    return org_links(a, a_side, b, b_side, ctx.settings)


def org_links(a: Party, a_side: str, b: Party, b_side: str,
              settings: RuleSettings = DEFAULT_SETTINGS) -> list[dict[str, JSON]]:
    """How two organisations are related: common key people (legal representative, officers,
    major shareholders), common corporate shareholders, control, and shared identifiers. Used
    by the related-party rule and by the experts' conflicts of interest."""
    threshold = settings.related_share_threshold
    links: list[dict[str, JSON]] = []
    people_b = _key_people(b, threshold)
    for key, roles_a in _key_people(a, threshold).items():
        roles_b = people_b.get(key)
        if roles_b is None:
            continue
        common = [role for role in _ROLES if role in roles_a and role in roles_b]
        for role in common:
            link: dict[str, JSON] = {"attribute": role, "key": key}
            if role == "shareholder":
                link["percent"] = {a_side: _pct(roles_a[role] or ZERO),
                                   b_side: _pct(roles_b[role] or ZERO)}
            links.append(link)
        if not common:
            links.append({"attribute": "person", "key": key, "roles": {
                a_side: [role for role in _ROLES if role in roles_a],
                b_side: [role for role in _ROLES if role in roles_b]}})

    orgs_a = {k: p for k, p in _holdings(a, HolderKind.ORG).items() if p >= threshold}
    orgs_b = {k: p for k, p in _holdings(b, HolderKind.ORG).items() if p >= threshold}
    for code, percent in orgs_a.items():
        if code in orgs_b:
            links.append({"attribute": "org_shareholder", "key": code,
                          "percent": {a_side: _pct(percent), b_side: _pct(orgs_b[code])}})
    if b.credit_code in orgs_a:
        links.append({"attribute": "control", "key": b.credit_code, "holder": b_side,
                      "held": a_side, "percent": _pct(orgs_a[b.credit_code])})
    if a.credit_code in orgs_b:
        links.append({"attribute": "control", "key": a.credit_code, "holder": a_side,
                      "held": b_side, "percent": _pct(orgs_b[a.credit_code])})

    for attribute in _IDENTIFIERS:
        value: Key | None = getattr(a, attribute)
        if value is None or value != getattr(b, attribute):
            continue
        if attribute == "email_domain" and value in settings.ignored_email_domains:
            continue
        links.append({"attribute": attribute, "key": value})
    return links


def _broker_links(ctx: ClaimContext, party: Party, side: str) -> list[dict[str, JSON]]:
    broker = ctx.broker
    links: list[dict[str, JSON]] = []
    if broker.employer_org_id == party.org_id:
        links.append({"attribute": "employer", "key": party.org_id, "via": "broker"})
    if broker.person is not None:
        if party.legal_rep == broker.person:
            links.append({"attribute": "legal_representative", "key": broker.person,
                          "via": "broker"})
        if broker.person in party.officers:
            links.append({"attribute": "officer", "key": broker.person, "via": "broker"})
        held = _holdings(party, HolderKind.PERSON).get(broker.person, ZERO)
        if held > 0:  # any holding: the broker would be paid for a deal of their own firm
            links.append({"attribute": "shareholder", "key": broker.person,
                          "percent": _pct(held), "via": "broker"})
    for attribute in ("address", "phone", "bank_account"):
        value: Key | None = getattr(broker, attribute)
        if value is not None and value == getattr(party, attribute):
            links.append({"attribute": attribute, "key": value, "via": "broker"})
    agency = ctx.broker_employer
    if agency is not None and agency.org_id != party.org_id:
        links.extend({**link, "via": "agency"}
                     for link in _org_links(agency, "agency", party, side, ctx))
    return links


def _describe_links(links: list[dict[str, JSON]]) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    for link in links:
        attribute = str(link["attribute"])
        via = link.get("via")
        if via == "broker" and attribute in _BROKER_LINK_ZH:
            zh.append(_BROKER_LINK_ZH[attribute])
            en.append(_BROKER_LINK_EN[attribute])
        elif via == "agency":
            zh.append("所在机构" + _LINK_ZH[attribute])
            en.append("its agency: " + _LINK_EN[attribute])
        else:
            zh.append(_LINK_ZH[attribute])
            en.append(_LINK_EN[attribute])
    return "、".join(dict.fromkeys(zh)), "; ".join(dict.fromkeys(en))


def _related_flag(side_a: str, side_b: str, parties: dict[str, JSON],
                  links: list[dict[str, JSON]]) -> Flag:
    strong = any(link["attribute"] in _STRONG_LINKS for link in links)
    zh, en = _describe_links(links)
    return Flag(
        rule="related_party",
        severity=Severity.CRITICAL if strong else Severity.WARNING,
        blocking=False,
        message_zh=f"{_SIDE_ZH[side_a]}与{_SIDE_ZH[side_b]}存在关联关系：{zh}。",
        message_en=f"{_SIDE_EN[side_a].capitalize()} and {_SIDE_EN[side_b]} are related: {en}.",
        evidence={"between": [side_a, side_b], "parties": parties, "links": list(links)},
    )


def related_party(ctx: ClaimContext) -> list[Flag]:
    """Buyer and seller, or the broker (or the broker's agency) and either, are related."""
    flags = []
    links = _org_links(ctx.buyer, "buyer", ctx.seller, "seller", ctx)
    if links:
        flags.append(_related_flag("buyer", "seller", {"buyer": ctx.buyer.org_id,
                                                       "seller": ctx.seller.org_id}, links))
    for side, party in (("buyer", ctx.buyer), ("seller", ctx.seller)):
        links = _broker_links(ctx, party, side)
        if links:
            flags.append(_related_flag("broker", side, {"broker": ctx.broker.user_id,
                                                        side: party.org_id}, links))
    return flags


# ---------------------------------------------------------------------------------------------
# same_submitter

def same_submitter(ctx: ClaimContext) -> list[Flag]:
    """Claims by another broker, or for the other side of this contract, submitted from this
    claim's account, IP address or device (or the broker's known ones)."""
    claim = ctx.claim
    ips = {ip for ip in (claim.ip, *ctx.broker.known_ips) if ip is not None}
    devices = {d for d in (claim.device_id, *ctx.broker.known_devices) if d is not None}
    window = timedelta(days=ctx.settings.window_days)
    matches: list[JSON] = []
    strong = False
    for other in sorted(_unique_by_id((*ctx.other_claims, *ctx.same_origin_claims)),
                        key=lambda c: c.id):
        if other.id == claim.id:
            continue
        same_contract = other.contract_id == claim.contract_id
        if other.broker_user_id != claim.broker_user_id:
            reason = "other_broker"
        elif same_contract and claim.side and other.side and claim.side != other.side:
            reason = "other_side"
        else:
            continue
        if not same_contract and abs(other.submitted_at - claim.submitted_at) > window:
            continue
        matched: dict[str, JSON] = {}
        if other.submitted_by == claim.submitted_by:
            matched["account_id"] = other.submitted_by
        if other.ip is not None and other.ip in ips:
            matched["ip"] = other.ip
        if other.device_id is not None and other.device_id in devices:
            matched["device_id"] = other.device_id
        if not matched:
            continue
        strong = strong or "account_id" in matched or "device_id" in matched
        matches.append({"claim_id": other.id, "contract_id": other.contract_id,
                        "broker_user_id": other.broker_user_id, "reason": reason,
                        "matched": matched})
    if not matches:
        return []
    return [Flag(
        rule="same_submitter",
        severity=Severity.WARNING if strong else Severity.INFO,
        blocking=False,
        message_zh=f"有{len(matches)}件其他经纪人或交易另一方的申报与本申报来自同一账号、IP地址或设备。",
        message_en=f"{len(matches)} claim(s) by another broker or for the other side came from "
                   "the same account, IP address or device as this claim.",
        evidence={"claim_id": claim.id, "matches": matches},
    )]


# ---------------------------------------------------------------------------------------------
# dishonesty_list (严重失信名单)

_SUBJECT_ZH = {"buyer": "买方", "seller": "卖方", "broker": "经纪人",
               "buyer_legal_representative": "买方法定代表人",
               "seller_legal_representative": "卖方法定代表人",
               "broker_agency": "经纪人所在机构"}
_SUBJECT_EN = {"buyer": "The buyer", "seller": "The seller", "broker": "The broker",
               "buyer_legal_representative": "The buyer's legal representative",
               "seller_legal_representative": "The seller's legal representative",
               "broker_agency": "The broker's agency"}


def dishonesty_list(ctx: ClaimContext) -> list[Flag]:
    """A party or the broker is on the dishonesty list: the claim is barred. Their legal
    representatives or the broker's agency on it: a warning to check for collusion."""
    subjects: list[tuple[str, SubjectKind, Key, bool]] = [
        ("buyer", SubjectKind.ORG, ctx.buyer.credit_code, True),
        ("seller", SubjectKind.ORG, ctx.seller.credit_code, True),
        ("broker", SubjectKind.BROKER, ctx.broker.user_id, True),
    ]
    if ctx.broker.person is not None:
        subjects.append(("broker", SubjectKind.PERSON, ctx.broker.person, True))
    subjects += [
        ("buyer_legal_representative", SubjectKind.PERSON, ctx.buyer.legal_rep, False),
        ("seller_legal_representative", SubjectKind.PERSON, ctx.seller.legal_rep, False),
    ]
    if ctx.broker_employer is not None:
        subjects.append(("broker_agency", SubjectKind.ORG, ctx.broker_employer.credit_code,
                         False))
    flags = []
    for subject, kind, key, barred in subjects:
        for entry in ctx.dishonesty:
            if entry.subject is not kind or entry.key != key or entry.listed_until < ctx.today:
                continue
            until = entry.listed_until.isoformat()
            zh_tail = "，不得申报奖补。" if barred else "，请核查是否参与。"
            en_tail = "; it may not claim a reward." if barred else "; check for collusion."
            flags.append(Flag(
                rule="dishonesty_list",
                severity=Severity.CRITICAL if barred else Severity.WARNING,
                blocking=barred,
                message_zh=f"{_SUBJECT_ZH[subject]}在严重失信名单上（至{until}）{zh_tail}",
                message_en=f"{_SUBJECT_EN[subject]} is on the dishonesty list until {until}"
                           f"{en_tail}",
                evidence={"subject": subject, "kind": kind.value, "key": key,
                          "listed_until": until, "entry_id": entry.entry_id},
            ))
    return flags


# ---------------------------------------------------------------------------------------------
# duplicate_claim

def duplicate_claim(ctx: ClaimContext) -> list[Flag]:
    """Another claim by the same broker on this contract, or the shares of all claims on it
    add up to more than 100%."""
    claim = ctx.claim
    others = sorted((c for c in _unique_by_id(ctx.other_claims)
                     if c.contract_id == claim.contract_id and c.id != claim.id),
                    key=lambda c: c.id)
    flags = []
    same_broker = [c.id for c in others if c.broker_user_id == claim.broker_user_id]
    if same_broker:
        flags.append(Flag(
            rule="duplicate_claim", severity=Severity.CRITICAL, blocking=False,
            message_zh="同一经纪人对同一合同重复申报奖补。",
            message_en="The broker has already claimed a reward for this contract.",
            evidence={"contract_id": claim.contract_id, "broker_user_id": claim.broker_user_id,
                      "claim_ids": [claim.id, *same_broker]},
        ))
    total = claim.share_percent + sum((c.share_percent for c in others), ZERO)
    if total > HUNDRED:
        flags.append(Flag(
            rule="duplicate_claim", severity=Severity.CRITICAL, blocking=False,
            message_zh=f"该合同全部申报的分配比例合计{_pct(total)}%，超过100%。",
            message_en=f"The shares of all claims on this contract add up to {_pct(total)}%, "
                       "over 100%.",
            evidence={"contract_id": claim.contract_id, "total_share": _pct(total),
                      "claims": [{"claim_id": c.id, "broker_user_id": c.broker_user_id,
                                  "share": _pct(c.share_percent)} for c in (claim, *others)]},
        ))
    return flags


# ---------------------------------------------------------------------------------------------
# contract_splitting (拆分合同)

def contract_splitting(ctx: ClaimContext) -> list[Flag]:
    """The same buyer and seller signed several contracts within the window that each stay at
    or under a bracket boundary and together exceed it (so the higher rate applies to more)."""
    contract = ctx.contract
    days = ctx.settings.window_days
    group = [contract, *(
        c for c in _unique_contracts(ctx.pair_contracts)
        if c.id != contract.id and c.buyer_org_id == contract.buyer_org_id
        and c.seller_org_id == contract.seller_org_id
        and _within(c.signed_on, contract.signed_on, days))]
    group.sort(key=lambda c: (c.signed_on, c.id))
    flags = []
    for boundary in bracket_boundaries(ctx.brackets):
        if contract.amount > boundary:
            continue
        members = [c for c in group if c.amount <= boundary]
        total = sum((c.amount for c in members), ZERO)
        if len(members) < 2 or total <= boundary:
            continue
        flags.append(Flag(
            rule="contract_splitting", severity=Severity.WARNING, blocking=False,
            message_zh=f"同一买卖双方在{days}天内签订{len(members)}份合同，每份不超过"
                       f"{_yuan(boundary)}元，合计{_yuan(total)}元，疑似拆分合同。",
            message_en=f"The same buyer and seller signed {len(members)} contracts within "
                       f"{days} days, each at or under {_yuan(boundary)} yuan and together "
                       f"{_yuan(total)} yuan: possibly one contract split.",
            evidence={"boundary": _money(boundary), "window_days": days,
                      "total": _money(total),
                      "contracts": [_contract_brief(c) for c in members]},
        ))
    return flags


# ---------------------------------------------------------------------------------------------
# round_trip (循环交易)

def round_trip(ctx: ClaimContext) -> list[Flag]:
    """The seller also bought from the buyer within the window."""
    contract = ctx.contract
    days = ctx.settings.window_days
    reverse = sorted(
        (c for c in _unique_contracts(ctx.reversed_pair_contracts)
         if c.buyer_org_id == contract.seller_org_id and c.seller_org_id == contract.buyer_org_id
         and _within(c.signed_on, contract.signed_on, days)),
        key=lambda c: (c.signed_on, c.id))
    if not reverse:
        return []
    return [Flag(
        rule="round_trip", severity=Severity.WARNING, blocking=False,
        message_zh=f"卖方在{days}天内也向买方出售了技术（{len(reverse)}份合同），疑似循环交易。",
        message_en=f"Within {days} days the seller also sold to the buyer ({len(reverse)} "
                   "contract(s)): possibly a round trip.",
        evidence={"contract_id": contract.id, "window_days": days,
                  "reverse_contracts": [_contract_brief(c) for c in reverse]},
    )]


# ---------------------------------------------------------------------------------------------
# unbacked_amount (到账不足)

def unbacked_amount(ctx: ClaimContext) -> list[Flag]:
    """Counted payments received are less than the base the reward was claimed on."""
    contract = ctx.contract
    received = contract.paid_amount
    base = ctx.claim.base_amount
    if received >= base:
        return []
    shortfall = base - received
    return [Flag(
        rule="unbacked_amount",
        severity=Severity.CRITICAL if received == 0 else Severity.WARNING,
        blocking=False,
        message_zh=f"已到账金额{_yuan(received)}元低于申报基数{_yuan(base)}元，"
                   f"差额{_yuan(shortfall)}元。",
        message_en=f"Payments received ({_yuan(received)} yuan) fall short of the claimed base "
                   f"({_yuan(base)} yuan) by {_yuan(shortfall)} yuan.",
        evidence={"contract_id": contract.id, "contract_amount": _money(contract.amount),
                  "base_amount": _money(base), "received_amount": _money(received),
                  "uncounted_amount": _money(contract.uncounted_amount),
                  "shortfall": _money(shortfall)},
    )]


# ---------------------------------------------------------------------------------------------
# payment_evidence (到账凭证)

def payment_evidence(ctx: ClaimContext) -> list[Flag]:
    """Payments whose invoice names neither the contract's registration number nor its name:
    recorded, not counted towards the amount received, and shown to the reviewer."""
    contract = ctx.contract
    uncounted = sorted((p for p in contract.payments if not p.counted),
                       key=lambda p: (p.paid_on, p.id))
    if not uncounted:
        return []
    total = sum((p.amount for p in uncounted), ZERO)
    return [Flag(
        rule="payment_evidence", severity=Severity.INFO, blocking=False,
        message_zh=f"有{len(uncounted)}笔到账（合计{_yuan(total)}元）的发票未注明本合同，未计入到账金额。",
        message_en=f"{len(uncounted)} payment(s) ({_yuan(total)} yuan) have invoices that do not "
                   "name this contract: not counted as received.",
        evidence={"contract_id": contract.id, "registration_no": contract.registration_no,
                  "uncounted_amount": _money(total),
                  "payments": [{"payment_id": p.id, "paid_on": p.paid_on.isoformat(),
                                "amount": _money(p.amount), "bank_reference": p.bank_reference,
                                "invoice_reference": p.invoice_reference}
                               for p in uncounted]},
    )]


# ---------------------------------------------------------------------------------------------
# timeline

def timeline(ctx: ClaimContext) -> list[Flag]:
    """Dates that contradict each other or lie in the future."""
    contract = ctx.contract
    tz = ctx.settings.local_tz
    opened_on = local_date(contract.deal_opened_at, tz)
    flags = []

    def flag(check: str, severity: Severity, zh: str, en: str, **evidence: JSON) -> None:
        flags.append(Flag(rule="timeline", severity=severity, blocking=False, message_zh=zh,
                          message_en=en, evidence={"check": check, "contract_id": contract.id,
                                                   **evidence}))

    if contract.signed_on < opened_on:
        flag("signed_before_deal", Severity.WARNING,
             f"合同签订日期（{contract.signed_on}）早于撮合项目创建日期（{opened_on}）。",
             f"The contract was signed ({contract.signed_on}) before the deal was opened "
             f"({opened_on}).",
             deal_id=contract.deal_id, signed_on=contract.signed_on.isoformat(),
             deal_opened_on=opened_on.isoformat())
    if contract.registered_on is not None and contract.registered_on < contract.signed_on:
        flag("registered_before_signed", Severity.CRITICAL,
             f"合同登记日期（{contract.registered_on}）早于签订日期（{contract.signed_on}）。",
             f"The contract was registered ({contract.registered_on}) before it was signed "
             f"({contract.signed_on}).",
             signed_on=contract.signed_on.isoformat(),
             registered_on=contract.registered_on.isoformat())
    early = [p for p in contract.payments if p.paid_on < contract.signed_on]
    if early:
        flag("paid_before_signed", Severity.WARNING,
             f"有{len(early)}笔到账早于合同签订日期（{contract.signed_on}）。",
             f"{len(early)} payment(s) arrived before the contract was signed "
             f"({contract.signed_on}).",
             signed_on=contract.signed_on.isoformat(),
             payments=[{"payment_id": p.id, "paid_on": p.paid_on.isoformat(),
                        "amount": _money(p.amount)} for p in early])

    future: dict[str, JSON] = {}
    dates = {"deal_opened_on": opened_on, "signed_on": contract.signed_on,
             "registered_on": contract.registered_on,
             "claim_submitted_on": local_date(ctx.claim.submitted_at, tz)}
    for name, value in dates.items():
        if value is not None and value > ctx.today:
            future[name] = value.isoformat()
    future_payments: list[JSON] = [{"payment_id": p.id, "paid_on": p.paid_on.isoformat()}
                                   for p in contract.payments if p.paid_on > ctx.today]
    if future or future_payments:
        flag("future_date", Severity.CRITICAL,
             f"存在晚于今天（{ctx.today}）的日期。",
             f"Some dates are after today ({ctx.today}).",
             today=ctx.today.isoformat(), dates=future, payments=future_payments)
    return flags


# ---------------------------------------------------------------------------------------------
# amount_outlier

def amount_outlier(ctx: ClaimContext) -> list[Flag]:
    """The amount is far from comparable contracts (same type and field): robust z-score of the
    log amount, from the median and MAD, over the threshold. Needs enough comparables."""
    stats = ctx.comparables
    contract = ctx.contract
    settings = ctx.settings
    if stats is None or stats.count < settings.outlier_min_comparables or contract.amount <= 0:
        return []
    if stats.mad_log > 0:
        scale = stats.mad_log * _MAD_TO_SIGMA
    elif stats.mean_ad_log > 0:
        scale = stats.mean_ad_log * _MEAN_AD_TO_SIGMA
    else:
        return []  # all comparables have one amount: no spread to measure against
    with localcontext(prec=28):
        z = (log_amount(contract.amount) - stats.median_log) / scale
        median_amount = stats.median_log.exp()
    if abs(z) <= settings.outlier_threshold:
        return []
    above = z > 0
    return [Flag(
        rule="amount_outlier", severity=Severity.WARNING, blocking=False,
        message_zh=f"合同金额{_yuan(contract.amount)}元明显{'高于' if above else '低于'}"
                   f"同类合同（中位数{_yuan(median_amount)}元，{stats.count}份）。",
        message_en=f"The contract amount ({_yuan(contract.amount)} yuan) is far "
                   f"{'above' if above else 'below'} comparable contracts (median "
                   f"{_yuan(median_amount)} yuan over {stats.count}).",
        evidence={"contract_id": contract.id, "type": contract.type, "field": contract.field,
                  "amount": _money(contract.amount), "comparables": stats.count,
                  "median_amount": _money(median_amount),
                  "robust_z": str(z.quantize(Decimal("0.01"))),
                  "threshold": _pct(settings.outlier_threshold),
                  "direction": "above" if above else "below"},
    )]


# ---------------------------------------------------------------------------------------------
# unconfirmed_evidence (证据未经确认)

def unconfirmed_evidence(ctx: ClaimContext) -> list[Flag]:
    """The contract's current terms, or payments counted towards it, are not confirmed by both
    parties (a change awaits them, or a party disputed it): the claim rests on one side's
    word."""
    contract = ctx.contract
    flags = []
    if not contract.evidence_current:
        disputed = contract.evidence_status == "disputed"
        flags.append(Flag(
            rule="unconfirmed_evidence", severity=Severity.CRITICAL, blocking=False,
            message_zh=("一方对合同信息提出异议。" if disputed else
                        f"合同信息第{contract.evidence_version}版尚未经双方确认。"),
            message_en=("A party disputes the contract's terms." if disputed else
                        f"Version {contract.evidence_version} of the contract's terms awaits "
                        "the parties' confirmation."),
            evidence={"check": "contract", "contract_id": contract.id,
                      "evidence_status": contract.evidence_status,
                      "evidence_version": contract.evidence_version,
                      "confirmed_version": contract.confirmed_version,
                      "declared_amount": (None if contract.declared_amount is None
                                          else _money(contract.declared_amount)),
                      "confirmed_amount": (_money(contract.amount)
                                           if contract.confirmed_version is not None
                                           else None)}))
    pending = sorted((p for p in contract.payments if p.counted and not p.confirmed),
                     key=lambda p: (p.paid_on, p.id))
    if pending:
        disputed = any(p.disputed for p in pending)
        flags.append(Flag(
            rule="unconfirmed_evidence",
            severity=Severity.CRITICAL if disputed else Severity.WARNING, blocking=False,
            message_zh=f"有{len(pending)}笔到账未经双方确认" + ("（一方提出异议）。" if disputed
                                                          else "。"),
            message_en=f"{len(pending)} payment(s) are not confirmed by both parties"
                       + (" (one is disputed)." if disputed else "."),
            evidence={"check": "payments", "contract_id": contract.id,
                      "payments": [{"payment_id": p.id, "amount": _money(p.amount),
                                    "disputed": p.disputed} for p in pending]}))
    return flags


# ---------------------------------------------------------------------------------------------
# registry_mismatch (登记数据不符)

_ISSUE_ZH = {"parties": "当事方", "type": "合同类型", "amount": "成交金额", "date": "登记日期",
             "cancelled": "登记已撤销"}


def registry_mismatch(ctx: ClaimContext) -> list[Flag]:
    """The registration office's record disagrees with the contract (other parties, type,
    amount or date), or cancelled the registration; a number no export has named yet is
    shown for information (exports lag; the claim's approval waits for the match)."""
    contract = ctx.contract
    status = contract.registry_status
    if status == "verified":
        return []
    if status == "unchecked":
        return [Flag(
            rule="registry_mismatch", severity=Severity.INFO, blocking=False,
            message_zh=f"登记号{contract.registration_no}尚未出现在登记机构导出的数据中。",
            message_en=f"The registration number {contract.registration_no} is in no export "
                       "of the registration office yet.",
            evidence={"check": "missing", "contract_id": contract.id,
                      "registration_no": contract.registration_no})]
    issues = list(contract.registry_issues)
    return [Flag(
        rule="registry_mismatch", severity=Severity.CRITICAL, blocking=False,
        message_zh="登记机构的数据与合同不符：" + "、".join(_ISSUE_ZH.get(i, i) for i in issues)
                   + "。",
        message_en="The registration office's record differs from the contract: "
                   + ", ".join(issues) + ".",
        evidence={"check": status, "contract_id": contract.id,
                  "registration_no": contract.registration_no, "issues": list(issues)})]


# ---------------------------------------------------------------------------------------------
# share_change_after_claim (申报后调整份额)

def share_change_after_claim(ctx: ClaimContext) -> list[Flag]:
    """The brokers' shares changed after the first claim on the contract, or the share this
    claim was computed on is not the broker's share now: shares freeze at the first claim, so
    either means the split was moved to claim more than the deal."""
    contract, claim = ctx.contract, ctx.claim
    on_contract = [c for c in (claim, *ctx.other_claims) if c.contract_id == contract.id]
    first = min(c.submitted_at for c in on_contract)
    checks: dict[str, JSON] = {}
    if contract.shares_changed_at is not None and contract.shares_changed_at > first:
        checks["changed_at"] = contract.shares_changed_at.isoformat()
        checks["first_claim_at"] = first.isoformat()
    current = dict(contract.shares)
    now = current.get(claim.broker_user_id)
    if now is not None and now != claim.share_percent:
        checks["claimed_share"] = _pct(claim.share_percent)
        checks["current_share"] = _pct(now)
    if not checks:
        return []
    return [Flag(
        rule="share_change_after_claim", severity=Severity.CRITICAL, blocking=False,
        message_zh="经纪人份额在首次申报后被调整，或与申报时的份额不一致。",
        message_en="The brokers' shares changed after the first claim, or differ from the "
                   "share this claim was computed on.",
        evidence={"deal_id": contract.deal_id, "claim_id": claim.id, **checks})]


RULES: Mapping[str, Rule] = MappingProxyType({
    "related_party": related_party,
    "same_submitter": same_submitter,
    "dishonesty_list": dishonesty_list,
    "duplicate_claim": duplicate_claim,
    "contract_splitting": contract_splitting,
    "round_trip": round_trip,
    "unbacked_amount": unbacked_amount,
    "payment_evidence": payment_evidence,
    "timeline": timeline,
    "amount_outlier": amount_outlier,
    "unconfirmed_evidence": unconfirmed_evidence,
    "registry_mismatch": registry_mismatch,
    "share_change_after_claim": share_change_after_claim,
})


def run_rules(ctx: ClaimContext, rules: Mapping[str, Rule] = RULES) -> list[Flag]:
    """Every rule's flags, in the rules' order."""
    return [flag for rule in rules.values() for flag in rule(ctx)]
