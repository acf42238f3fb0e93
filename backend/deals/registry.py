"""Registry reconciliation: the technology-contract registration office's export against the
contracts brokers declared.

An administrator uploads the office's export (CSV or XLSX: registration number, the parties'
unified social credit codes, contract type, amount, registered date and, optionally, a
status column saying a registration was cancelled). Each row is kept by registration number
(the latest upload naming a number wins), and every contract bearing one of the uploaded
numbers is matched against it: the same parties (buyer and seller by credit code), type,
amount and date make it registry-verified; anything else is a mismatch, named. A contract
whose number no export has named stays unchecked. A contract's standing is re-checked
whenever its registration changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.audit import service as audit
from backend.config import get_settings
from backend.core import clock, paging, sheets, tabular
from backend.core.errors import DomainError, InvalidInput
from backend.core.types import utcnow
from backend.deals.models import (
    Contract,
    ContractType,
    RegistryImport,
    RegistryRecord,
    RegistryStatus,
)
from backend.deals.registration import InvalidRegistrationNo, normalise_registration_no

MAX_ROWS = 200_000
MAX_REPORTED_ERRORS = 200
_CHUNK = 900

# (key, headers accepted for it), the first the one the template uses.
COLUMNS: list[tuple[str, tuple[str, ...]]] = [
    ("registration_no", ("登记号", "技术合同登记号", "合同登记号", "registration_no")),
    ("buyer_credit_code", ("买方统一社会信用代码", "买方信用代码", "buyer_credit_code")),
    ("seller_credit_code", ("卖方统一社会信用代码", "卖方信用代码", "seller_credit_code")),
    ("contract_type", ("合同类型", "contract_type", "type")),
    ("amount", ("成交金额", "合同金额", "成交额", "成交金额(元)", "合同金额(元)", "amount")),
    ("registered_on", ("登记日期", "registered_on")),
    ("status", ("状态", "登记状态", "status")),
]
REQUIRED = ("registration_no", "buyer_credit_code", "seller_credit_code", "contract_type",
            "amount", "registered_on")
TYPES = {"技术开发": ContractType.DEVELOPMENT, "开发": ContractType.DEVELOPMENT,
         "技术转让": ContractType.TRANSFER, "转让": ContractType.TRANSFER,
         "技术许可": ContractType.LICENSING, "许可": ContractType.LICENSING,
         "技术咨询": ContractType.CONSULTING, "咨询": ContractType.CONSULTING,
         "技术服务": ContractType.SERVICE, "服务": ContractType.SERVICE,
         **{t.value: t for t in ContractType}}
CANCELLED = {"撤销", "已撤销", "注销", "已注销", "作废", "cancelled", "canceled", "revoked"}
ACTIVE = {"", "有效", "正常", "已登记", "active", "valid", "registered"}
_AMOUNT_NOISE = re.compile(r"[,，\s元¥￥]")


class RegistryRejected(DomainError):
    """The export was refused; `errors` names each problem by row and column."""

    status_code = 422
    title = "登记数据导入失败 Registry import rejected"
    type_slug = "registry-import-rejected"


@dataclass(frozen=True)
class Row:
    registration_no: str
    buyer_credit_code: str
    seller_credit_code: str
    contract_type: ContractType
    amount: Decimal
    registered_on: date
    cancelled: bool


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _header_map(header: Sequence[str]) -> dict[str, int]:
    wanted = {_plain(name): key for key, names in COLUMNS for name in names}
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        key = wanted.get(_plain(text))
        if key is not None and key not in found:
            found[key] = index
    return found


def _date(text: str) -> date:
    value = unicodedata.normalize("NFKC", text).strip()
    value = value.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
    value = value.replace(".", "-")[:10]
    parts = value.split("-")
    if len(parts) != 3:
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse(content: bytes, filename: str | None) -> list[Row]:
    """Every row checked; all errors reported at once, or the rows."""
    # The import limits (zip bombs, entity expansion, sizes), with room for a year of a city's
    # registrations: one row a contract.
    limits = dataclasses.replace(sheets.Limits.of(get_settings()), rows=MAX_ROWS,
                                 cells=MAX_ROWS * len(COLUMNS))
    rows = iter(sheets.read_rows(content, filename, limits))
    header = next(rows, None)
    if header is None:
        raise InvalidInput("file", "文件为空。The file is empty.")
    columns = _header_map(header)
    missing = [k for k in REQUIRED if k not in columns]
    if missing:
        names = "、".join(dict(COLUMNS)[k][0] for k in missing)
        raise InvalidInput("file", f"缺少列：{names}。Missing columns: {', '.join(missing)}.")
    this_year = clock.today().year
    out: list[Row] = []
    errors: list[dict[str, str]] = []

    def error(row: int, column: str, message: str) -> None:
        if len(errors) < MAX_REPORTED_ERRORS:
            errors.append({"field": f"row {row}: {column}", "message": message})

    for number, values in enumerate(rows, start=2):
        if len(out) >= MAX_ROWS:
            raise InvalidInput("file", f"一次最多导入{MAX_ROWS}行。At most {MAX_ROWS} rows per "
                                       "upload.")

        def cell(key: str, values: list[str] = values) -> str:
            index = columns.get(key)
            return values[index].strip() if index is not None and index < len(values) else ""

        if not any(v.strip() for v in values):
            continue
        ok = True
        try:
            reg_no = normalise_registration_no(cell("registration_no"), this_year)
        except InvalidRegistrationNo as exc:
            error(number, "registration_no", str(exc))
            ok = False
        codes = {}
        for key in ("buyer_credit_code", "seller_credit_code"):
            code = unicodedata.normalize("NFKC", cell(key)).upper().replace(" ", "")
            if len(code) != 18:
                error(number, key, "统一社会信用代码应为18位。A credit code has 18 characters.")
                ok = False
            codes[key] = code
        type_ = TYPES.get(_plain(cell("contract_type")))
        if type_ is None:
            error(number, "contract_type", "未知的合同类型。Unknown contract type.")
            ok = False
        try:
            amount = Decimal(_AMOUNT_NOISE.sub("", cell("amount")))
            if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e16") or \
                    amount != amount.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            error(number, "amount", "金额应为正数，最多两位小数。The amount is a positive number "
                                    "with at most two decimals.")
            ok = False
        try:
            registered_on = _date(cell("registered_on"))
        except (ValueError, IndexError):
            error(number, "registered_on", "日期格式应为YYYY-MM-DD。Dates read YYYY-MM-DD.")
            ok = False
        status = _plain(cell("status"))
        if status not in CANCELLED and status not in ACTIVE:
            error(number, "status", "状态应为“有效”或“撤销”。The status is active or cancelled.")
            ok = False
        if ok:
            out.append(Row(reg_no, codes["buyer_credit_code"], codes["seller_credit_code"],
                           type_, amount, registered_on, status in CANCELLED))  # type: ignore[arg-type]
    if errors:
        raise RegistryRejected(f"导入文件有{len(errors)}处错误，未导入任何数据。The file has "
                               f"{len(errors)} error(s); nothing was imported.", errors=errors)
    if not out:
        raise InvalidInput("file", "文件没有数据行。The file has no rows.")
    return out


# --- matching ------------------------------------------------------------------------------

def issues_of(contract: Contract, record: RegistryRecord, buyer_code: str, seller_code: str
              ) -> list[str]:
    """What differs between the contract as declared and the registry's record."""
    found = []
    if (record.buyer_credit_code, record.seller_credit_code) != (buyer_code, seller_code):
        found.append("parties")
    if record.contract_type != contract.type:
        found.append("type")
    if record.amount != contract.amount:
        found.append("amount")
    if record.registered_on != contract.registered_on:
        found.append("date")
    return found


def credit_codes(session: Session, org_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(org_ids))
    out: dict[int, str] = {}
    for i in range(0, len(ids), _CHUNK):
        out.update(session.execute(select(Organisation.id, Organisation.credit_code).where(
            Organisation.id.in_(ids[i:i + _CHUNK]))).all())
    return out


def _apply(contract: Contract, record: RegistryRecord | None, codes: dict[int, str],
           now: datetime) -> bool:
    """Set the contract's standing; whether it changed."""
    before = (contract.registry_status, contract.registry_issues)
    if record is None or contract.registration_no is None:
        status, issues = RegistryStatus.UNCHECKED, None
    elif record.cancelled:
        status, issues = RegistryStatus.CANCELLED, ["cancelled"]
    else:
        found = issues_of(contract, record, codes[contract.buyer_org_id],
                          codes[contract.seller_org_id])
        status = RegistryStatus.MISMATCH if found else RegistryStatus.VERIFIED
        issues = found or []
    contract.registry_status, contract.registry_issues = status, issues
    contract.registry_checked_at = now
    return before != (status, issues)


def rematch(session: Session, contract: Contract) -> RegistryStatus:
    """Re-check one contract against the registry (its registration was recorded or changed)."""
    record = None
    if contract.registration_no is not None:
        record = session.execute(select(RegistryRecord).where(
            RegistryRecord.registration_no == contract.registration_no)).scalar_one_or_none()
    _apply(contract, record, credit_codes(session, [contract.buyer_org_id, contract.seller_org_id]),
           utcnow())
    session.flush()
    return contract.registry_status


@dataclass(frozen=True)
class ImportOutcome:
    row: RegistryImport
    matched: list[int]             # contracts now registry-verified
    mismatched: list[int]          # contracts with a mismatch or a cancelled registration
    changed_deal_ids: list[int]    # deals whose contract's standing changed


def import_export(session: Session, actor: audit.Actor, uploader_id: int, filename: str | None,
                  content: bytes) -> ImportOutcome:
    rows = parse(content, filename)
    by_no = {r.registration_no: r for r in rows}  # a number twice in one file: the last row
    now = utcnow()
    imported = RegistryImport(filename=(filename or "registry")[:255],
                              sha256=hashlib.sha256(content).hexdigest(), rows=len(rows),
                              uploaded_by_id=uploader_id, uploaded_at=now)
    session.add(imported)
    session.flush()
    numbers = sorted(by_no)
    existing: dict[str, RegistryRecord] = {}
    for i in range(0, len(numbers), _CHUNK):
        existing.update({r.registration_no: r for r in session.execute(select(RegistryRecord)
                         .where(RegistryRecord.registration_no.in_(numbers[i:i + _CHUNK])))
                         .scalars()})
    for number, row in by_no.items():
        record = existing.get(number)
        if record is None:
            record = RegistryRecord(registration_no=number)
            session.add(record)
            existing[number] = record
        record.buyer_credit_code, record.seller_credit_code = (row.buyer_credit_code,
                                                               row.seller_credit_code)
        record.contract_type, record.amount = row.contract_type, row.amount
        record.registered_on, record.cancelled = row.registered_on, row.cancelled
        record.import_id, record.updated_at = imported.id, now
    session.flush()
    contracts: list[Contract] = []
    for i in range(0, len(numbers), _CHUNK):
        contracts += session.execute(select(Contract).where(
            Contract.registration_no.in_(numbers[i:i + _CHUNK])).with_for_update()
            .execution_options(populate_existing=True)).scalars().all()
    codes = credit_codes(session, [o for c in contracts for o in (c.buyer_org_id, c.seller_org_id)])
    matched: list[int] = []
    mismatched: list[int] = []
    changed: list[int] = []
    for contract in sorted(contracts, key=lambda c: c.id):
        if _apply(contract, existing[contract.registration_no or ""], codes, now):
            changed.append(contract.deal_id)
        (matched if contract.registry_status == RegistryStatus.VERIFIED
         else mismatched).append(contract.id)
    imported.matched, imported.mismatched = len(matched), len(mismatched)
    session.flush()
    audit.record(session, actor, "registry.import", "registry_import", imported.id, after={
        "filename": imported.filename, "sha256": imported.sha256, "rows": len(rows),
        "matched": matched, "mismatched": mismatched})
    return ImportOutcome(imported, matched, mismatched, sorted(set(changed)))


def list_imports(session: Session, page: int, page_size: int
                 ) -> tuple[Sequence[RegistryImport], int]:
    return paging.page_of(session, select(RegistryImport).order_by(RegistryImport.id.desc()),
                          page, page_size)


def contracts_by_status(session: Session, statuses: Sequence[RegistryStatus], page: int,
                        page_size: int) -> tuple[Sequence[Contract], int]:
    """Registered contracts with this standing, for the administrators' list of mismatches."""
    query = select(Contract).where(Contract.registration_no.is_not(None),
                                   Contract.registry_status.in_(list(statuses)))
    return paging.page_of(session, query.order_by(Contract.id.desc()), page, page_size)


def contracts_by_ids(session: Session, ids: Sequence[int]) -> list[Contract]:
    wanted = sorted(set(ids))[:500]  # the upload's answer names at most 500; the list has all
    if not wanted:
        return []
    return list(session.execute(select(Contract).where(Contract.id.in_(wanted))
                                .order_by(Contract.id)).scalars())


def records_for(session: Session, numbers: Iterable[str]) -> dict[str, RegistryRecord]:
    wanted = sorted(set(numbers))
    out: dict[str, RegistryRecord] = {}
    for i in range(0, len(wanted), _CHUNK):
        out.update({r.registration_no: r for r in session.execute(select(RegistryRecord).where(
            RegistryRecord.registration_no.in_(wanted[i:i + _CHUNK]))).scalars()})
    return out


def template_csv() -> bytes:
    """The registry export's columns with one example row (written by the one CSV writer)."""
    return tabular.to_csv(tabular.Table("registry", [names[0] for _, names in COLUMNS], [
        ("2026350100000123", "91350100MA2XXXXX0A", "12350000488000000X", "技术开发", "300000.00",
         "2026-06-01", "有效")]))
