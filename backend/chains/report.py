"""The quarterly report per chain for the bureau, as XLSX (the project has no PDF path):
the figures per node, the gap list, and the challenges aimed at the chain's demands with
their outcomes. Amounts are numbers to the fen; text is formula-escaped."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.chains import figures, schemas
from backend.chains.models import Chain
from backend.challenges import service as challenges
from backend.core.errors import NotFound
from backend.core.tabular import text_cell

FIGURES, GAPS, CHALLENGES = "节点数据 Figures", "缺口 Gaps", "揭榜挂帅 Challenges"
FIGURE_COLUMNS = ("节点 node", "名称 name", "环节 stage", "标记 marks", "本地需求 demands",
                  "本地成果 achievements", "撮合项目 deals", "合同金额 contract value",
                  "未满足需求 unmet demands", "在榜榜单 open challenges", "缺口 gaps")


def _cell(value: Any) -> Any:
    return text_cell(value) if isinstance(value, str) else value


def build(session: Session, user: User, chain: Chain, year: int, quarter: int) -> bytes:
    start, end = figures.quarter(year, quarter)
    data = figures.chain_figures(session, chain, start, end)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(FIGURES)
    sheet.append([_cell(chain.name_zh), f"{year}Q{quarter}（{start.isoformat()}—{end.isoformat()}）"])
    sheet.append(list(FIGURE_COLUMNS))
    for f in data.nodes:
        sheet.append([_cell(v) for v in (
            f.node_key, f.name_zh, f.stage.value, ", ".join(m.value for m in f.marks),
            f.demands, f.achievements, f.deals, f.contract_value, f.unmet_demands,
            f.open_challenges, ", ".join(f.gap))])
    sheet = book.create_sheet(GAPS)
    sheet.append(["节点 node", "名称 name", "未满足需求 unmet demands", "最佳成果 best achievements"])
    for gap in figures.gaps(session, user, chain, data):
        sheet.append([_cell(gap.node_key), _cell(gap.name_zh), gap.unmet_demands,
                      _cell("；".join(a.title for a in gap.best_achievements))])
    sheet = book.create_sheet(CHALLENGES)
    sheet.append(["榜单 challenge", "标题 title", "节点 node", "状态 status"])
    placed = {slot.node.key: slot.demands for slot in figures.placed_on_nodes(session, chain)}
    demand_ids = sorted({d for ds in placed.values() for d in ds})
    for cid, demand_id, title, status in challenges.aimed_at_demands(session, demand_ids):
        keys = ", ".join(k for k, ds in placed.items() if demand_id in ds)
        sheet.append([cid, _cell(title), _cell(keys), status.value])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def challenge_draft(session: Session, user: User, chain: Chain, node_key: str,
                    figures_: schemas.ChainFigures) -> schemas.ChallengeDraft:
    """A challenge pre-filled from a gap; the issuer completes it (prize, indicators,
    milestones, deadline) and posts it to the challenges domain."""
    from_node = next((f for f in figures_.nodes if f.node_key == node_key), None)
    node = next((s.node for s in figures.placed_on_nodes(session, chain) if s.node.key == node_key),
                None)
    if from_node is None or node is None:
        raise NotFound(f"本产业链没有节点“{node_key}”。This chain has no node {node_key}.")
    reasons = "；".join(m["reason"] for m in node.marks)
    prefix = "".join(f"【{_MARK_ZH[m.value]}】" for m in from_node.marks)
    problem = "\n".join(line for line in (
        f"{chain.name_zh} · {node.name_zh}：{node.description}",
        f"标记理由：{reasons}" if reasons else "",
        f"本地未满足需求 {from_node.unmet_demands} 项（超过 {figures_.unmet_after_days} 天无撮合对接）。",
        "关键词：" + "、".join(node.keywords) if node.keywords else "") if line)
    return schemas.ChallengeDraft(title=f"{prefix}{node.name_zh}关键技术攻关"[:200],
                                  problem=problem, demand_id=None, node_key=node.key)


_MARK_ZH = {"bottleneck": "卡脖子", "supply_risk": "断链风险", "common_tech": "共性技术"}
