"""Figures per node (evidence before money: only confirmed, registered contract amounts),
the gap list ranked by unmet demand with the best achievements from anywhere, the challenge
pre-filled from a gap, and the quarterly report's figures recomputed from the records."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.chains import figures, report, report_pdf
from backend.chains.models import Chain, ChainNode, ChainPlacement
from backend.challenges.models import ChallengeStatus
from backend.core import clock
from backend.core.types import utcnow
from backend.deals.models import Contract, Deal, RegistryStatus, Stage
from backend.demo.chain_data import chain_document
from backend.listings.models import Achievement, Demand
from tests.builders import accounts as b
from tests.builders import chains as cb
from tests.builders import challenges as chb
from tests.builders import deals as d
from tests.builders import listings as lb

URL = "/api/v1/chains"


def _h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


class _Market:
    """A 福州 chain (the demo's nodes) with: on `valves` a registered deal of 300,000 (counts)
    and a signed one of 500,000 (not registered: does not count); on `mech_seals` a demand
    open 40 days without an introduction and a challenge aimed at it, a fresh demand, and a
    Beijing achievement (supply from elsewhere); on `motors` a local achievement alone."""

    def __init__(self, db: Session) -> None:
        self.admin = b.make_admin(db)
        chain = cb.make_chain_from(db, self.admin, {**chain_document(), "region": "福州市"})
        self.chain = chain
        registered = d.deal_at(db, Stage.REGISTERED, amount=Decimal("300000.00"))
        signed = d.deal_at(db, Stage.SIGNED, amount=Decimal("500000.00"))
        for listing in (registered.demand, registered.achievement, signed.demand):
            listing.published_at, listing.region = utcnow(), "福州市"  # (the builder sets none)
        self.firm = b.make_firm_user(db)
        institute = b.make_institute_user(db)
        self.old = lb.make_demand(db, self.firm, title="化工泵高温机械密封")
        self.old.published_at = utcnow() - timedelta(days=40)
        self.fresh = lb.make_demand(db, self.firm, title="阀杆低泄漏密封")
        far = lb.make_achievement(db, institute, title="干气机械密封", region="北京市")
        motor = lb.make_achievement(db, institute, title="永磁电机")
        db.flush()
        for node, kind, listing in (
                ("valves", "demand", registered.demand.id),
                ("valves", "achievement", registered.achievement.id),
                ("valves", "demand", signed.demand.id),
                ("mech_seals", "demand", self.old.id), ("mech_seals", "demand", self.fresh.id),
                ("mech_seals", "achievement", far.id), ("motors", "achievement", motor.id)):
            cb.place(db, self.admin, chain, listing, node, kind)
        self.far = far
        chb.make_challenge(db, self.firm, ChallengeStatus.PUBLISHED, demand_id=self.old.id)


def test_figures_count_confirmed_registered_amounts_only(client: TestClient, db: Session
                                                        ) -> None:
    m = _Market(db)
    since = (clock.today() - timedelta(days=60)).isoformat()
    r = client.get(f"{URL}/{m.chain.id}/figures", params={"since": since},
                   headers=_h(db, b.make_firm_user(db)))
    assert r.status_code == 200, r.text
    nodes = {n["node_key"]: n for n in r.json()["nodes"]}
    pick = ("demands", "achievements", "deals", "contract_value", "unmet_demands",
            "open_challenges", "gap")
    assert {k: nodes["valves"][k] for k in pick} == {
        "demands": 2, "achievements": 1, "deals": 2, "contract_value": "300000.00",
        "unmet_demands": 0, "open_challenges": 0, "gap": []}
    assert {k: nodes["mech_seals"][k] for k in pick} == {
        "demands": 2, "achievements": 0, "deals": 0, "contract_value": "0.00",
        "unmet_demands": 1, "open_challenges": 1,
        "gap": ["demand_without_supply", "open_challenges"]}
    assert nodes["mech_seals"]["marks"] == ["bottleneck"]
    assert nodes["motors"]["gap"] == ["supply_without_demand"]
    # with a longer wait before a demand counts as unmet, none is
    r = client.get(f"{URL}/{m.chain.id}/figures", params={"since": since,
                                                          "unmet_after_days": 45},
                   headers=_h(db, m.admin))
    assert {n["node_key"]: n["unmet_demands"] for n in r.json()["nodes"]}["mech_seals"] == 0


def test_the_gap_list_ranks_by_unmet_demand_with_the_best_achievements(
        client: TestClient, db: Session) -> None:
    m = _Market(db)
    second = lb.make_demand(db, m.firm, title="蝶阀密封失效")
    second.published_at = utcnow() - timedelta(days=50)
    third = lb.make_demand(db, m.firm, title="电机温升")
    third.published_at = utcnow() - timedelta(days=50)
    db.flush()
    cb.place(db, m.admin, m.chain, second.id, "mech_seals")
    cb.place(db, m.admin, m.chain, third.id, "motors")
    r = client.get(f"{URL}/{m.chain.id}/gaps", headers=_h(db, b.make_institute_user(db)),
                   params={"since": (clock.today() - timedelta(days=90)).isoformat()})
    assert r.status_code == 200, r.text
    assert [(g["node_key"], g["unmet_demands"]) for g in r.json()] == [
        ("mech_seals", 2), ("motors", 1)]
    assert [(a["id"], a["region"], a["score"]) for a in r.json()[0]["best_achievements"]] == [
        (m.far.id, "北京市", 1.0)]


def test_a_challenge_is_prefilled_from_a_gap(client: TestClient, db: Session) -> None:
    m = _Market(db)
    url = f"{URL}/{m.chain.id}/gaps/mech_seals/challenge-draft"
    r = client.get(url, headers=_h(db, m.firm))
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["title"] == "【卡脖子】机械密封关键技术攻关" and draft["node_key"] == "mech_seals"
    assert "高参数机械密封依赖进口" in draft["problem"]
    assert client.get(url, headers=_h(db, b.make_institute_user(db))).status_code == 403
    assert client.get(f"{URL}/{m.chain.id}/gaps/nope/challenge-draft",
                      headers=_h(db, m.admin)).status_code == 404


def test_the_quarterly_report_figures_equal_those_recomputed_from_the_records(
        client: TestClient, db: Session) -> None:
    m = _Market(db)
    today = clock.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    r = client.get(f"{URL}/{m.chain.id}/report", params={"year": year, "quarter": quarter},
                   headers=_h(db, m.admin))
    assert r.status_code == 200, r.text
    assert client.get(f"{URL}/{m.chain.id}/report", params={"year": year, "quarter": quarter},
                      headers=_h(db, m.firm)).status_code == 403
    book = load_workbook(io.BytesIO(r.content))
    rows = list(book[report.FIGURES].iter_rows(min_row=3, values_only=True))
    got = {row[0]: (row[4], row[5], row[6], Decimal(str(row[7])).quantize(Decimal("0.01")))
           for row in rows}
    # recomputed here from the tables, independently of the service
    start, end = figures.quarter(year, quarter)
    chain = db.get(Chain, m.chain.id)
    assert chain is not None

    def in_quarter(moment: datetime | None) -> bool:
        return moment is not None and start <= moment.astimezone(clock.CHINA_TZ).date() <= end

    expected = {}
    for node in {n["key"] for n in chain_document()["nodes"]}:
        ids = db.execute(select(ChainPlacement.listing_kind, ChainPlacement.listing_id)
                         .join_from(ChainPlacement, ChainNode,
                                    ChainNode.id == ChainPlacement.node_id)
                         .where(ChainNode.key == node,
                                ChainPlacement.chain_id == chain.id)).all()
        demand_ids = {i for k, i in ids if k.value == "demand"}
        achievement_ids = {i for k, i in ids if k.value == "achievement"}
        demands = [x for x in db.execute(select(Demand).where(Demand.id.in_(demand_ids)))
                   .scalars() if x.region == chain.region and in_quarter(x.published_at)]
        achievements = [x for x in db.execute(select(Achievement).where(
            Achievement.id.in_(achievement_ids))).scalars()
            if x.region == chain.region and in_quarter(x.published_at)]
        deals = [x for x in db.execute(select(Deal).where(
            Deal.demand_id.in_(demand_ids) | Deal.achievement_id.in_(achievement_ids)))
            .scalars() if in_quarter(x.opened_at)]
        value = Decimal("0.00")
        for deal in deals:
            contract = db.execute(select(Contract).where(Contract.deal_id == deal.id)
                                  ).scalar_one_or_none()
            if (contract is not None and contract.confirmed_amount is not None
                    and contract.registration_no is not None
                    and contract.registry_status != RegistryStatus.CANCELLED
                    and deal.stage not in (Stage.CANCELLED, Stage.LOST)):
                value += contract.confirmed_amount
        expected[node] = (len(demands), len(achievements), len(deals), value)
    assert got == expected
    assert got["valves"][3] == Decimal("300000.00")
    challenges = list(book[report.CHALLENGES].iter_rows(min_row=2, values_only=True))
    assert [(row[2], row[3]) for row in challenges] == [("mech_seals", "published")]


def test_the_quarterly_report_as_pdf_in_words_with_the_sheets_figures(
        client: TestClient, db: Session) -> None:
    m = _Market(db)
    today = clock.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    q = {"year": year, "quarter": quarter}
    r = client.get(f"{URL}/{m.chain.id}/report.pdf", params=q, headers=_h(db, m.admin))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert f"-{year}Q{quarter}.pdf" in r.headers["content-disposition"]
    assert r.content.startswith(b"%PDF-")
    assert client.get(f"{URL}/{m.chain.id}/report.pdf", params=q,
                      headers=_h(db, m.firm)).status_code == 403
    assert client.get(f"{URL}/{m.chain.id}/report.pdf", params={"year": year, "quarter": 5},
                      headers=_h(db, m.admin)).status_code == 422
    pdf = pdf_text(r.content)
    for words in ("季度报告 Quarterly report", "各节点数据", "主要缺口 Top gaps", "揭榜挂帅及其结果",
                  "卡脖子 Bottleneck", "零部件 Components", "征集中 Open for proposals",
                  "有需求无本地供给", "干气机械密封（北京市）"):
        assert has(pdf, words), words
    for code in ("mech_seals", "bottleneck", "components", "demand_without_supply",
                 "published"):
        assert code not in pdf, code   # labels, never codes
    # every node's figures in the PDF equal the XLSX's (themselves checked against the records)
    sheet = client.get(f"{URL}/{m.chain.id}/report", params=q, headers=_h(db, m.admin))
    rows = list(load_workbook(io.BytesIO(sheet.content))[report.FIGURES]
                .iter_rows(min_row=3, values_only=True))
    names = {n["key"]: f"{n['name_zh']} {n['name_en']}" for n in chain_document()["nodes"]}
    for row in rows:
        value = Decimal(str(row[7])).quantize(Decimal("0.01"))
        cells = [names[row[0]], *(str(v) for v in (row[4], row[5], row[6])),
                 report_pdf.money(value), str(row[8]), str(row[9])]
        assert has_in_order(pdf, cells), cells
    assert has(pdf, "300,000.00")
    assert not has(pdf, "800,000.00")  # the unregistered contract does not count


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(content))
                                      .pages))


def has(text: str, words: str) -> bool:
    return re.sub(r"\s+", "", words) in text


def has_in_order(text: str, cells: list[str]) -> bool:
    """The cells one after another in the text (a table row read left to right)."""
    at = text.find(re.sub(r"\s+", "", cells[0]))
    for cell in cells[1:]:
        if at < 0:
            return False
        at = text.find(re.sub(r"\s+", "", cell), at + 1)
    return at >= 0
