"""Parse the org-unit tree from CSV or XLSX into checked rows, parents first."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from service.reference.cells import RowReader
from service.reference.import_result import ImportResult, RowError
from service.reference.tabular import SourceRow, TableSource, read_table

ORG_UNIT_KINDS = (
    "city_peoples_committee",
    "department",
    "ec_office",
    "commune_peoples_committee",
    "enterprise",
    "school",
    "central_agency",
    "party_front_body",
    "other",
)
REQUIRED_COLUMNS = ("code", "name", "kind")
OPTIONAL_COLUMNS = (
    "abbreviation",
    "parent_code",
    "admin_code",
    "valid_from",
    "valid_to",
    "successor_code",
    "parent_confirms_reports",
    "notes",
    # A known unit whose name (or abbreviation) differs is renamed from this day (default: the day of import),
    # for this reason (the decision); its former name is kept with its dates, as the rename page does.
    "name_valid_from",
    "rename_reason",
)
# Da Nang's 2026 tree (city, departments, 94 commune-level units), shipped as reference data.
DANANG_2026_ORG_UNITS_CSV = Path(__file__).parent / "data" / "danang_2026_org_units.csv"

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.\-]{0,63}$")
_UNIT_TYPE = re.compile(r"^\s*unit_type=(\w+)")


@dataclass(frozen=True)
class OrgUnitRow:
    """One org unit as imported; `valid_to` is exclusive, like OrgUnit.is_valid_on."""

    code: str
    name: str
    abbreviation: str | None
    kind: str
    parent_code: str | None
    admin_code: str | None
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None
    parent_confirms_reports: bool
    notes: str | None
    row_number: int = 0
    name_valid_from: date | None = None
    rename_reason: str | None = None

    @property
    def unit_type(self) -> str | None:
        """For commune-level units, 'ward', 'commune' or 'special_zone' from the leading notes tag."""
        match = _UNIT_TYPE.match(self.notes or "")
        return match.group(1) if match else None


def parse_org_units(
    source: TableSource, *, known_codes: Iterable[str] = ()
) -> ImportResult[OrgUnitRow]:
    """Parse and check org units; `known_codes` are units already stored that rows may refer to."""
    table = read_table(source, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    result: ImportResult[OrgUnitRow] = ImportResult(
        errors=table.errors, warnings=table.warnings
    )
    if table.rows is None:
        return result
    parsed = [_parse_row(row, result.errors) for row in table.rows]
    candidates = [row for row in parsed if row is not None]
    first_rows: dict[str, int] = {}
    for source_row, row in zip(table.rows, parsed, strict=True):
        code = str(source_row.values.get("code") or "").strip()
        if code and code in first_rows:
            result.errors.append(
                RowError.of(
                    source_row.number,
                    "code",
                    "duplicate_code",
                    value=code,
                    first_row=first_rows[code],
                )
            )
            candidates = [c for c in candidates if c is not row]
        first_rows.setdefault(code, source_row.number)
    available = set(first_rows) | set(known_codes)
    candidates = _check_references(candidates, available, result.errors)
    candidates = _drop_cycles(candidates, result.errors)
    result.rows = _parents_first(candidates)
    result.sort_problems()
    return result


def _parse_row(row: SourceRow, errors: list[RowError]) -> OrgUnitRow | None:
    read = RowReader(row, errors)
    code = read.text("code", required=True)
    if code and not _CODE.match(code):
        read.error("code", "invalid_code", value=code)
    name = read.text("name", required=True, max_length=255)
    abbreviation = read.optional_text("abbreviation", max_length=32)
    kind = read.text("kind", required=True)
    if kind and kind not in ORG_UNIT_KINDS:
        read.error(
            "kind", "unknown_kind", value=kind, allowed=", ".join(ORG_UNIT_KINDS)
        )
    admin_code = read.optional_text("admin_code", max_length=16)
    if admin_code and not admin_code.isdigit():
        read.error("admin_code", "invalid_admin_code", value=admin_code)
    parent_code = read.optional_text("parent_code")
    valid_from, valid_to = read.date("valid_from"), read.date("valid_to")
    if valid_from and valid_to and valid_to <= valid_from:
        read.error("valid_to", "end_before_start")
    successor_code = read.optional_text("successor_code")
    if successor_code and successor_code == code:
        read.error("successor_code", "self_successor")
    elif successor_code and valid_to is None:
        read.error("valid_to", "successor_needs_end")
    unit = OrgUnitRow(
        code=code,
        name=name,
        abbreviation=abbreviation,
        kind=kind,
        parent_code=parent_code,
        admin_code=admin_code,
        valid_from=valid_from,
        valid_to=valid_to,
        successor_code=successor_code,
        # The direct superior normally confirms a unit's achievement report; a root has nobody to ask.
        parent_confirms_reports=read.boolean(
            "parent_confirms_reports", default=parent_code is not None
        ),
        notes=read.optional_text("notes", max_length=2000),
        row_number=row.number,
        name_valid_from=read.date("name_valid_from"),
        rename_reason=read.optional_text("rename_reason", max_length=2000),
    )
    return None if read.has_errors else unit


def _check_references(
    rows: list[OrgUnitRow], available: set[str], errors: list[RowError]
) -> list[OrgUnitRow]:
    kept = []
    for row in rows:
        ok = True
        if row.parent_code and row.parent_code not in available:
            errors.append(
                RowError.of(
                    row.row_number,
                    "parent_code",
                    "unknown_parent",
                    value=row.parent_code,
                )
            )
            ok = False
        if row.successor_code and row.successor_code not in available:
            errors.append(
                RowError.of(
                    row.row_number,
                    "successor_code",
                    "unknown_successor",
                    value=row.successor_code,
                )
            )
            ok = False
        if ok:
            kept.append(row)
    return kept


def _drop_cycles(rows: list[OrgUnitRow], errors: list[RowError]) -> list[OrgUnitRow]:
    """Report every parent cycle once per member row and drop those rows."""
    parent_of = {row.code: row.parent_code for row in rows}
    in_cycle: dict[str, str] = {}
    settled: set[str] = set()
    for row in rows:
        path: list[str] = []
        code: str | None = row.code
        while code in parent_of and code not in settled and code not in path:
            path.append(code)
            code = parent_of[code]
        if code in path:
            cycle = path[path.index(code) :]
            description = " → ".join([*cycle, cycle[0]])
            in_cycle.update((member, description) for member in cycle)
        settled.update(path)
    for row in rows:
        if row.code in in_cycle:
            errors.append(
                RowError.of(
                    row.row_number,
                    "parent_code",
                    "parent_cycle",
                    path=in_cycle[row.code],
                )
            )
    return [row for row in rows if row.code not in in_cycle]


def _parents_first(rows: list[OrgUnitRow]) -> list[OrgUnitRow]:
    """Order rows so that each parent in the file precedes its children, otherwise keeping file order."""
    by_code = {row.code: row for row in rows}
    ordered: list[OrgUnitRow] = []
    placed: set[str] = set()
    for row in rows:
        chain = []
        current: OrgUnitRow | None = row
        while current is not None and current.code not in placed:
            chain.append(current)
            current = by_code.get(current.parent_code or "")
        for member in reversed(chain):
            ordered.append(member)
            placed.add(member.code)
    return ordered
