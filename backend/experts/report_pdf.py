"""The proof-of-concept review report as a PDF (beside the XLSX): the same content and the same
readers (`views.report`), in words rather than codes, Chinese first with English beside, times
in Asia/Shanghai, no reviewer names; the confidential notes and the outlier marks only in the
organiser's copy (they are only in the organiser's `ReportOut`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from backend.core.clock import CHINA_TZ
from backend.core.pdf import Document
from backend.experts import schemas, scoring

CRITERIA = {"technical_maturity": "技术成熟度 Technical maturity",
            "ip_strength": "知识产权强度与自由实施 IP strength and freedom to operate",
            "market_size": "市场规模 Market size", "team": "团队 Team",
            "cost_to_pilot": "中试成本 Cost to pilot"}
KINDS = {"scientist": "科学家 Scientist", "entrepreneur": "企业家 Entrepreneur",
         "investor": "投资人 Investor", "ip_legal": "知识产权/法律专家 IP or legal",
         "finance": "财务专家 Finance"}
RECOMMENDATIONS = {"pass": "建议通过 Pass", "revise": "修改后再评 Revise and resubmit",
                   "fail": "不建议通过 Do not pass"}
STATUSES = {"requested": "待受理 Requested", "panel": "组建评审组 Panel being formed",
            "reviewing": "评审中 Under review", "passed": "通过概念验证 Passed",
            "not_passed": "未通过 Not passed", "declined": "未受理 Declined"}


def _when(value: datetime | None) -> str:
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if value else "—"


def _num(value: Decimal | int | None) -> str:
    return "—" if value is None else str(value)


def report_pdf(report: schemas.ReportOut) -> bytes:
    r = report.request
    doc = Document(f"概念验证评审报告 #{r.id}")
    doc.heading("概念验证评审报告 Proof-of-concept review report", 18)
    doc.paragraph(f"申请编号 Request: #{r.id}    状态 Status: {STATUSES[r.status.value]}")
    doc.paragraph(f"科技成果 Achievement: {r.achievement_title}")
    doc.paragraph(f"申请单位 Institute: {r.organisation_name}")
    doc.paragraph(f"申请时间 Requested: {_when(r.created_at)}    结论时间 Decided: "
                  f"{_when(r.decided_at)}（北京时间 Asia/Shanghai）")
    doc.paragraph(f"自报技术成熟度 Declared TRL: {r.declared_trl}    评审技术成熟度 Reviewed TRL: "
                  f"{_num(r.reviewed_trl)}    综合评分中位数 Median score: {_num(r.score)}（满分5 of 5）")
    if r.summary:
        doc.heading("评审结论 Outcome", 13)
        doc.paragraph(r.summary)

    agg = report.aggregate
    doc.heading("评分汇总 Scores of the panel", 13)
    if agg is None:
        doc.paragraph("尚无提交的评审。No review has been submitted yet.")
    else:
        doc.paragraph(f"已提交 {agg.reviews} / {agg.seats} 份评审。{agg.reviews} of {agg.seats} "
                      "reviews submitted.")
        rows = [[CRITERIA.get(c.code, c.code), str(c.weight), str(c.mean), str(c.median),
                 str(c.spread), "是 Yes" if c.disagreement else "否 No"] for c in agg.criteria]
        rows.append(["综合 Overall", "1", str(agg.overall_mean), str(agg.overall_median),
                     f"MAD {agg.overall_mad}", ""])
        doc.table(["评审项 Criterion", "权重 Weight", "加权平均 Mean", "中位数 Median",
                   "分差 Spread", "意见分歧 Disagreement"], rows,
                  [0.34, 0.11, 0.14, 0.13, 0.13, 0.15])

    for i, review in enumerate(report.reviews, start=1):
        outlier = "（离群，请组织方复核 Outlier）" if review.outlier else ""
        doc.heading(f"评审 #{i} Review #{i} · {KINDS[review.kind.value]}{outlier}", 12)
        rows = [[CRITERIA.get(c.code, c.code), str(review.scores.get(c.code, "—")),
                 review.comments.get(c.code, "")] for c in scoring.POC_FORM]
        doc.table(["评审项 Criterion", "评分 Score", "意见 Comment"], rows, [0.38, 0.12, 0.50])
        doc.paragraph(f"综合评分 Overall: {review.overall}    总体建议 Recommendation: "
                      f"{RECOMMENDATIONS[review.recommendation.value]}    评定技术成熟度 "
                      f"Reviewed TRL: {review.trl}")
        if review.confidential_note:
            doc.paragraph(f"保密意见（仅组织方可见）Confidential note to the organiser: "
                          f"{review.confidential_note}")
    doc.space(12)
    doc.paragraph("评审专家姓名不在报告中披露。Reviewers are not named in this report.", 8)
    return doc.bytes()
