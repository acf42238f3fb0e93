"""Files people download: CSV exports of what they may see, and the import template."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from backend.core.tabular import Table, text_cell, to_csv
from backend.listings import schemas
from backend.listings.importer import COLUMNS, NOTE_MARK
from backend.listings.models import Field

MODE_ZH = {"development": "技术开发", "transfer": "技术转让", "licensing": "技术许可",
           "consulting": "技术咨询", "service": "技术服务", "joint_rd": "联合研发"}
STAGE_ZH = {"lab": "实验室", "pilot": "中试", "industrialised": "产业化"}
IP_ZH = {"invention_patent": "发明专利", "utility_model": "实用新型",
         "software_copyright": "软件著作权", "know_how": "技术秘密"}
VISIBILITY_ZH = {"public": "公开", "brokers": "仅经纪人", "private": "不公开"}
STATUS_ZH = {"draft": "草稿", "published": "已发布", "in_negotiation": "洽谈中",
             "fulfilled": "已解决", "closed": "已关闭", "expired": "已过期", "withdrawn": "已撤回",
             "transferred": "已转化"}


def demands_csv(demands: Sequence[schemas.DemandOut]) -> bytes:
    header = ["编号", "标题", "需求描述", "领域代码", "领域", "关键词", "预算下限（元）",
              "预算上限（元）", "合作方式", "最低技术成熟度", "截止日期", "地区", "可见范围", "状态",
              "需求方", "联系人", "联系电话", "电子邮箱", "发布时间"]
    rows: list[Sequence[Any]] = [
        (d.id, d.title, d.description, d.field.code, d.field.name_zh, "、".join(d.keywords),
         d.budget_min, d.budget_max, "、".join(MODE_ZH[m] for m in d.modes), d.min_trl,
         d.deadline, d.region, VISIBILITY_ZH[d.visibility.value], STATUS_ZH[d.status.value],
         d.party.name, d.party.contact_person, d.party.phone, d.party.email, d.published_at)
        for d in demands]
    return to_csv(Table("demands", header, rows))


def achievements_csv(achievements: Sequence[schemas.AchievementOut]) -> bytes:
    header = ["编号", "标题", "摘要", "领域代码", "领域", "关键词", "技术成熟度", "阶段", "知识产权",
              "价格（元）", "面议", "合作方式", "团队负责人", "地区", "状态", "成果单位", "联系人",
              "联系电话", "发布时间"]
    rows: list[Sequence[Any]] = [
        (a.id, a.title, a.abstract, a.field.code, a.field.name_zh, "、".join(a.keywords), a.trl,
         STAGE_ZH[a.stage.value],
         "; ".join(f"{IP_ZH[i.kind.value]}:{i.number or ''}:{i.title}" for i in a.ip_items),
         a.price, "是" if a.negotiable else "否", "、".join(MODE_ZH[m] for m in a.modes),
         a.team_lead, a.region, STATUS_ZH[a.status.value], a.party.name,
         a.party.contact_person, a.party.phone, a.published_at)
        for a in achievements]
    return to_csv(Table("achievements", header, rows))


# --- the import template ---------------------------------------------------------------------

EXAMPLE = ["一种高强度碳纤维复合材料的低温固化方法", "针对风电叶片和轨道交通部件的轻量化需求，"
           "研发了低温快速固化树脂体系……", "materials.composites", "碳纤维; 低温固化; 轻量化", "6", "中试",
           "发明专利:201710601862.3:一种碳纤维复合材料的低温固化方法; 技术秘密::树脂配方",
           "800000", "是", "技术转让、技术许可", "张教授", "福州市"]
# (column, what it wants in Chinese, in English), in template order.
NOTES_BILINGUAL = [
    ("标题", "必填，最多200字", "required, up to 200 characters"),
    ("摘要", "必填，最多5000字", "required, up to 5,000 characters"),
    ("领域代码", "必填（或改用“领域”列填写领域名称），见“领域代码”工作表",
     "required (or a 领域 column with the field's name); codes on the 领域代码 sheet of the Excel "
     "template"),
    ("关键词", "选填，多个用分号、逗号或顿号分隔，最多16个，每个最多30字",
     "optional; separated by ; , or 、; up to 16 of up to 30 characters"),
    ("技术成熟度", "必填，1–9 的整数（TRL）", "required, a whole number 1–9 (TRL)"),
    ("阶段", "必填：实验室 / 中试 / 产业化",
     "required: 实验室 (lab) / 中试 (pilot) / 产业化 (industrialised)"),
    ("知识产权", "选填，多项用分号分隔，每项“类型:编号:名称”；类型为发明专利、实用新型、软件著作权、"
              "技术秘密；专利编号如 201710601862.3（含校验位），软件著作权如 2019SR1234567，"
              "技术秘密不填编号",
     "optional; items separated by ;, each kind:number:title; kinds 发明专利 (invention patent), "
     "实用新型 (utility model), 软件著作权 (software copyright), 技术秘密 (know-how, no number); "
     "patent numbers like 201710601862.3 with the check digit"),
    ("价格（元）", "选填，不小于0的数字；不填则须面议", "optional, yuan, 0 or more; none means negotiable"),
    ("面议", "选填：是 / 否；不填时，未填价格即为面议", "optional: 是 (yes) / 否 (no)"),
    ("合作方式", "选填，多个用顿号分隔：技术开发、技术转让、技术许可、技术咨询、技术服务、联合研发",
     "optional, separated by 、: 技术开发 development, 技术转让 transfer, 技术许可 licensing, "
     "技术咨询 consulting, 技术服务 service, 联合研发 joint R&D"),
    ("团队负责人", "必填，最多64字", "required, up to 64 characters"),
    ("地区", "必填，如 福州市", "required, e.g. 福州市"),
]
NOTES = [(column, zh) for column, zh, _ in NOTES_BILINGUAL]


def template_csv() -> bytes:
    """The header, then two rows the importer skips (NOTE_MARK): what each column wants, in
    Chinese and English, and an example to copy without its mark."""
    explain = [f"{zh}｜{en}" for _, zh, en in NOTES_BILINGUAL]
    explain[0] = f"{NOTE_MARK} 说明（以 # 开头的行不会导入）Notes, rows starting with # are " \
                 f"not imported: {explain[0]}"
    example = list(EXAMPLE)
    example[0] = f"{NOTE_MARK} 示例 Example: {example[0]}"
    return to_csv(Table("achievements-template", [h for h, _ in COLUMNS], [explain, example]))


def template_xlsx(fields: Sequence[Field]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "科技成果"
    sheet.append([h for h, _ in COLUMNS])
    widths = [30, 50, 22, 24, 12, 10, 50, 14, 8, 24, 12, 12]
    for i, width in enumerate(widths):
        cell = sheet.cell(row=1, column=i + 1)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    for column, choices in (("F", "实验室,中试,产业化"), ("I", "是,否")):
        rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        rule.add(f"{column}2:{column}20001")
        sheet.add_data_validation(rule)
    notes = book.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for row in NOTES:
        notes.append(list(row))
    notes.append([])
    notes.append(["示例（请在“科技成果”工作表中按此格式填写，第1行为表头，不要修改表头）"])
    notes.append([h for h, _ in COLUMNS])
    notes.append(EXAMPLE)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 100
    codes = book.create_sheet("领域代码")
    codes.append(["领域代码", "领域", "Field"])
    for field in fields:
        if field.active:  # names an administrator typed: cells, never formulas (core/tabular)
            codes.append([text_cell(field.code), text_cell(field.name_zh),
                          text_cell(field.name_en)])
    codes.column_dimensions["A"].width = 28
    codes.column_dimensions["B"].width = 20
    codes.column_dimensions["C"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
