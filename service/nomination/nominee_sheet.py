"""Nominees in and out of Excel: the template a unit fills, and its import into a dossier.

The import is all or nothing: every row is checked first (a dry run reports each error with its row
and column, as the spreadsheet shows them), and nothing is added when any row is wrong. Columns carry
Vietnamese headers; the cells are read by service/reference's tabular readers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..i18n import msg
from ..models import OrgUnit, User
from ..reference.cells import RowReader
from ..reference.import_result import RowError
from ..reference.tabular import read_table
from . import dossiers
from .nominees import SCORE_PLACES

# (field, header) in the template's order; the header is what the reader matches (case-insensitive).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("kind", "Loại"),
    ("name", "Tên tập thể, cá nhân"),
    ("identifier", "Số định danh/CCCD"),
    ("date_of_birth", "Ngày sinh"),
    ("sex", "Giới tính"),
    ("position", "Chức vụ"),
    ("unit_name", "Đơn vị công tác"),
    ("subject_org_unit_code", "Mã đơn vị (tập thể)"),
    ("achievement_summary", "Tóm tắt thành tích"),
    ("achievement_key", "Mã thành tích"),
    ("award_form", "Hình thức khen thưởng"),
    ("tasks_completed", "Hoàn thành nhiệm vụ"),
    ("annual_rating", "Xếp loại năm"),
    ("dx_index_score", "Điểm chỉ số chuyển đổi số"),
    ("tax_clearance", "Hoàn thành nghĩa vụ thuế"),
    ("social_insurance_clearance", "Hoàn thành nghĩa vụ BHXH"),
    ("propose_state_level", "Đề nghị cấp Nhà nước"),
)
REQUIRED = ("kind", "name")
HEADER = dict(COLUMNS)
KINDS = {"tập thể": "collective", "cá nhân": "individual", "doanh nghiệp": "enterprise",
         "hộ gia đình": "household", "khác": "other"}
SEXES = {"nam": "male", "nữ": "female"}
RATINGS = {"hoàn thành xuất sắc nhiệm vụ": "excellent", "hoàn thành tốt nhiệm vụ": "good",
           "hoàn thành nhiệm vụ": "completed", "không hoàn thành nhiệm vụ": "not_completed"}
EXAMPLE = ("Cá nhân", "Nguyễn Văn A", "048090001234", "15/03/1985", "Nam", "Chuyên viên", "Phòng Văn hóa",
           "", "Hai sáng kiến chuyển đổi số được công nhận.", "", "", "có", "Hoàn thành xuất sắc nhiệm vụ", "",
           "", "", "không")


@dataclass
class SheetImport:
    """What an import found: the nominees it would add and every error by row and column."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        letters = {header.lower(): get_column_letter(i) for i, (_, header) in enumerate(COLUMNS, start=1)}
        return {"ok": self.ok, "rows": len(self.rows), "imported": self.imported,
                "errors": [{"row": e.row, "column": e.column, "column_letter": letters.get(e.column or ""),
                            "code": e.code, "message": e.message, "message_en": e.message_en}
                           for e in self.errors]}


def template() -> bytes:
    """The nominee template: Vietnamese headers, one example row, the allowed values beside it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách đề nghị"
    sheet.append([header for _, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(list(EXAMPLE))
    for index, (_, header) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 2)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Hướng dẫn")
    notes.append(["Cột", "Giá trị"])
    notes.append([HEADER["kind"], ", ".join(label.capitalize() for label in KINDS)])
    notes.append([HEADER["sex"], "Nam, Nữ"])
    notes.append([HEADER["annual_rating"], ", ".join(label.capitalize() for label in RATINGS)])
    notes.append([HEADER["date_of_birth"], "dd/mm/yyyy"])
    notes.append([HEADER["dx_index_score"], f"0–100, tối đa {SCORE_PLACES} chữ số thập phân"])
    notes.append(["Có/không", "có, không"])
    notes.append(["Ghi chú", "Xóa dòng ví dụ trước khi nhập."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choice(reader: RowReader, column: str, choices: dict[str, str], *, required: bool = False) -> str | None:
    text = reader.text(column, required=required).lower()
    if not text:
        return None
    if text in choices:
        return choices[text]
    if text in choices.values():  # the English code is accepted too
        return text
    reader.error(column, "invalid_choice", value=text, allowed=", ".join(choices))
    return None


def _row_values(session: Session, reader: RowReader) -> dict[str, Any]:
    h = HEADER
    values: dict[str, Any] = {
        "kind": _choice(reader, h["kind"].lower(), KINDS, required=True),
        "name": reader.text(h["name"].lower(), required=True, max_length=255),
        "identifier": reader.optional_text(h["identifier"].lower(), max_length=64),
        "date_of_birth": reader.date(h["date_of_birth"].lower()),
        "sex": _choice(reader, h["sex"].lower(), SEXES),
        "position": reader.optional_text(h["position"].lower(), max_length=255),
        "unit_name": reader.optional_text(h["unit_name"].lower(), max_length=255),
        "achievement_summary": reader.text(h["achievement_summary"].lower(), max_length=20000),
        "achievement_key": reader.optional_text(h["achievement_key"].lower(), max_length=200),
        "award_form": reader.optional_text(h["award_form"].lower(), max_length=64),
        "annual_rating": _choice(reader, h["annual_rating"].lower(), RATINGS),
        "propose_state_level": reader.boolean(h["propose_state_level"].lower(), default=False),
    }
    for name in ("tasks_completed", "tax_clearance", "social_insurance_clearance"):
        column = h[name].lower()
        values[name] = reader.boolean(column, default=False) if reader.row.values.get(column) not in (None, "") \
            else None
    score_column = h["dx_index_score"].lower()
    score = reader.decimal(score_column)
    if score is not None:
        if score.as_tuple().exponent < -SCORE_PLACES:  # type: ignore[operator]
            reader.error(score_column, "too_many_decimals", value=str(score), places=SCORE_PLACES)
        elif not 0 <= score <= 100:
            reader.error(score_column, "score_out_of_range", value=str(score), scale=100)
        values["dx_index_score"] = score
    code_column = h["subject_org_unit_code"].lower()
    code = reader.optional_text(code_column, max_length=64)
    if code:
        if session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)) is None:
            reader.error(code_column, "unknown_org_unit", value=code)
        values["subject_org_unit_code"] = code
    return {key: value for key, value in values.items() if value is not None or key == "dx_index_score"}


def check(session: Session, data: bytes) -> SheetImport:
    """Read and check every row (nothing is written)."""
    table = read_table(data, required=[HEADER[f].lower() for f in REQUIRED],
                       optional=[header.lower() for f, header in COLUMNS if f not in REQUIRED])
    result = SheetImport(errors=list(table.errors))
    for row in table.rows or ():
        reader = RowReader(row, result.errors)
        values = _row_values(session, reader)
        if not reader.has_errors:
            result.rows.append(values)
    if table.rows is not None and not table.rows and not result.errors:
        result.errors.append(RowError.of(None, None, "empty_file"))
    result.errors.sort(key=lambda error: error.row or 0)
    return result


# The sheet's columns the drafting step's form has (the clearances are given at their own step).
FORM_FIELDS = frozenset({"kind", "name", "identifier", "date_of_birth", "sex", "position", "subject_org_unit_code",
                         "achievement_summary", "achievement_key", "award_form", "tasks_completed", "annual_rating",
                         "dx_index_score", "propose_state_level"})


def form_rows(result: SheetImport) -> list[dict[str, Any]]:
    """The checked rows as the dossier step's form holds nominees (JSON: dates as ISO text, scores as numbers)."""
    rows = []
    for values in result.rows:
        row = {key: value for key, value in values.items() if key in FORM_FIELDS}
        if row.get("date_of_birth") is not None:
            row["date_of_birth"] = row["date_of_birth"].isoformat()
        if row.get("dx_index_score") is not None:
            row["dx_index_score"] = float(row["dx_index_score"])  # at most two decimals: exact as text
        rows.append(row)
    return rows


def import_nominees(session: Session, *, actor: User, dossier_id: int, data: bytes,
                    dry_run: bool = False) -> SheetImport:
    """Add the sheet's nominees to a draft or returned dossier, all or nothing; `dry_run` only checks."""
    dossiers.get_dossier(session, actor=actor, dossier_id=dossier_id)  # 404 outside the actor's scope
    result = check(session, data)
    if dry_run or not result.ok:
        return result
    for values in result.rows:
        dossiers.add_nominee(session, actor=actor, dossier_id=dossier_id, values=values)
    result.imported = len(result.rows)
    return result


def refuse(result: SheetImport) -> ValidationFailed:
    """The 422 of a sheet with errors (every error in the details)."""
    return ValidationFailed(msg("Tệp có {n} lỗi; chưa nhập dòng nào.", n=len(result.errors)),
                            details=result.as_json())
