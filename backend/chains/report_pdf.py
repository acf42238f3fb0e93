"""The quarterly report per chain as a PDF, beside the XLSX (`report.build`): the same
figures, gap list and challenges, in words rather than codes, Chinese first with English
beside. Figures are counts and never name a listing; the gaps' best achievements are those
the reader may see (`figures.gaps`)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.chains import figures
from backend.chains.models import Chain
from backend.challenges import service as challenges
from backend.core import clock
from backend.core.pdf import Document

STAGES = {"materials": "原材料 Materials", "components": "零部件 Components",
          "equipment": "装备 Equipment", "products": "产品 Products",
          "services": "服务 Services"}
MARKS = {"bottleneck": "卡脖子 Bottleneck", "supply_risk": "断链风险 Supply risk",
         "common_tech": "共性技术 Common technology"}
GAPS = {"demand_without_supply": "有需求无本地供给 Demand without local supply",
        "supply_without_demand": "有供给无本地需求 Supply without local demand",
        "open_challenges": "在榜揭榜挂帅 Open challenges"}
STATUSES = {"published": "征集中 Open for proposals", "closed": "已截止 Closed",
            "under_review": "评审中 Under review", "awarded": "已揭榜 Awarded",
            "not_awarded": "未揭榜 Not awarded", "in_delivery": "实施中 In delivery",
            "accepted": "已验收 Accepted", "failed": "未通过验收 Failed",
            "terminated": "已终止 Terminated", "draft": "草稿 Draft"}
FIGURE_HEADER = ("节点 Node", "环节 Stage", "标记 Marks", "本地需求 Demands",
                 "本地成果 Achievements", "撮合项目 Deals", "合同金额（元） Contract value (CNY)",
                 "未满足需求 Unmet", "在榜榜单 Open challenges", "缺口 Gaps")


def money(value: Decimal) -> str:
    """An amount in yuan to the fen, with thousands separators (as printed in the report)."""
    return f"{value:,.2f}"


def build(session: Session, user: User, chain: Chain, year: int, quarter: int) -> bytes:
    start, end = figures.quarter(year, quarter)
    data = figures.chain_figures(session, chain, start, end)
    doc = Document(f"{chain.name_zh} {year}Q{quarter}")
    doc.heading(f"{chain.name_zh} · 季度报告 Quarterly report: {chain.name_en}", 17)
    doc.paragraph(f"{year} 年第 {quarter} 季度 Quarter {quarter} of {year}（{start.isoformat()} — "
                  f"{end.isoformat()}，北京时间 Asia/Shanghai）")
    doc.paragraph(f"地区 Region: {chain.region}    版本 Version: {chain.version}    生成 Made: "
                  f"{clock.today().isoformat()}")
    doc.paragraph(f"未满足需求：发布超过 {data.unmet_after_days} 天仍无撮合对接的本地需求。Unmet: a local "
                  f"demand listed for over {data.unmet_after_days} days without an "
                  "introduction. 合同金额仅计经双方确认且已登记的合同。Contract value counts only "
                  "amounts confirmed by the parties and registered.", 8)

    doc.heading("各节点数据 Figures per node", 13)
    rows = [[f.name_zh + " " + f.name_en, STAGES[f.stage.value],
             "、".join(MARKS[m.value] for m in f.marks) or "—", str(f.demands),
             str(f.achievements), str(f.deals), money(f.contract_value), str(f.unmet_demands),
             str(f.open_challenges), "；".join(GAPS.get(g, g) for g in f.gap) or "—"]
            for f in data.nodes]
    total = sum((f.contract_value for f in data.nodes), Decimal("0.00"))
    rows.append(["合计 Total", "", "", str(sum(f.demands for f in data.nodes)),
                 str(sum(f.achievements for f in data.nodes)),
                 str(sum(f.deals for f in data.nodes)), money(total),
                 str(sum(f.unmet_demands for f in data.nodes)),
                 str(sum(f.open_challenges for f in data.nodes)), ""])
    doc.table(FIGURE_HEADER, rows, [0.15, 0.09, 0.10, 0.07, 0.08, 0.07, 0.12, 0.07, 0.08, 0.17],
              size=7)

    doc.heading("主要缺口 Top gaps", 13)
    gaps = [g for g in figures.gaps(session, user, chain, data) if g.unmet_demands > 0]
    if not gaps:
        doc.paragraph("本季度没有未满足的本地需求。No unmet local demand this quarter.")
    else:
        doc.table(("节点 Node", "标记 Marks", "未满足需求 Unmet", "可对接成果 Best achievements"),
                  [[g.name_zh + " " + g.name_en,
                    "、".join(MARKS[m.value] for m in g.marks) or "—", str(g.unmet_demands),
                    "；".join(f"{a.title}（{a.region}）" for a in g.best_achievements) or "—"]
                   for g in gaps[:10]], [0.25, 0.2, 0.13, 0.42])

    doc.heading("揭榜挂帅及其结果 Challenges and outcomes", 13)
    slots = figures.placed_on_nodes(session, chain)
    names = {slot.node.key: slot.node.name_zh for slot in slots}
    placed = {slot.node.key: slot.demands for slot in slots}
    demand_ids = sorted({d for ds in placed.values() for d in ds})
    aimed = challenges.aimed_at_demands(session, demand_ids)
    if not aimed:
        doc.paragraph("尚无针对本产业链需求的榜单。No challenge aimed at this chain's demands.")
    else:
        doc.table(("榜单 Challenge", "标题 Title", "节点 Node", "状态 Status"),
                  [[f"#{cid}", title,
                    "、".join(names[k] for k, ds in placed.items() if demand_id in ds),
                    STATUSES.get(status.value, status.value)]
                   for cid, demand_id, title, status in aimed], [0.12, 0.43, 0.2, 0.25])
    doc.space(10)
    doc.paragraph("数据为计数，不列出具体需求；可对接成果仅列出您有权查看的。Figures are counts and name no "
                  "listing; only achievements you may see are named.", 8)
    return doc.bytes()
