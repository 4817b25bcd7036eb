"""Org units and users from CSV/XLSX: parsed by service.reference, applied all-or-nothing.

A file with any row error changes nothing and is refused as a whole (422, every error with its row and
column), so an administrator fixes the sheet and uploads it again.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import PermissionDenied, ValidationFailed
from ..i18n import msg
from ..models import OrgUnit, Role, User
from ..operations import admin, audit
from ..reference.import_result import ImportResult, RowError
from ..reference.org_units_import import DANANG_2026_ORG_UNITS_CSV, OrgUnitRow, parse_org_units
from ..reference.tabular import TableSource
from ..reference.users_import import parse_users
from . import config, permissions

# Imported accounts have no usable password until an administrator sets one (no hash verifies against it).
UNUSABLE_HASH = "!imported"


def raise_on_errors(result: ImportResult) -> None:
    if result.errors:
        raise ValidationFailed(
            msg("Tệp có {count} lỗi; không có dữ liệu nào được nhập.", count=len(result.errors)),
            details={"rows": [asdict(error) for error in result.errors],
                     "warnings": [asdict(warning) for warning in result.warnings]},
        )


def _require_admin(actor: User | None) -> None:
    if actor is not None and not permissions.can_import_reference_data(actor):
        raise PermissionDenied(msg("Chỉ quản trị hệ thống được nhập dữ liệu."))


def import_org_units(session: Session, *, actor: User | None, source: TableSource) -> dict:
    """Create new units and update known ones (by code); parents and successors may be in the file. A known
    unit whose name or abbreviation differs is renamed as the rename page does (`admin.record_rename`: its
    former name kept with its dates, audited), from the row's `name_valid_from` or today."""
    _require_admin(actor)
    by_code = {unit.code: unit for unit in session.scalars(select(OrgUnit))}
    result = parse_org_units(source, known_codes=by_code)
    raise_on_errors(result)
    renames = _renames(result, by_code)
    raise_on_errors(result)
    created = updated = 0
    for row in result.rows:
        unit = by_code.get(row.code)
        if unit is None:
            unit = OrgUnit(code=row.code, name=row.name, kind=row.kind)
            session.add(unit)
            by_code[row.code] = unit
            created += 1
        else:
            updated += 1
        if row.code in renames:
            admin.record_rename(session, unit, actor=actor, name=row.name, abbreviation=row.abbreviation,
                                day=renames[row.code], reason=row.rename_reason, source="import")
        _copy(unit, row)
    session.flush()
    for row in result.rows:  # references last: a successor may come later in the file
        unit = by_code[row.code]
        unit.parent_id = by_code[row.parent_code].id if row.parent_code else None
        unit.successor_id = by_code[row.successor_code].id if row.successor_code else None
    session.flush()
    audit.record(session, action="org_units.imported", actor=actor.username if actor else None,
                 details={"created": created, "updated": updated, "renamed": sorted(renames)})
    return {"created": created, "updated": updated, "renamed": len(renames),
            "warnings": [asdict(warning) for warning in result.warnings]}


def _renames(result: ImportResult[OrgUnitRow], by_code: dict[str, OrgUnit]) -> dict[str, date]:
    """Code -> the day its new name takes effect, for the known units the file renames; a rename the rename
    page would refuse becomes the row's error (checked before anything changes: all or nothing)."""
    today = config.today()
    renames: dict[str, date] = {}
    for row in result.rows:
        unit = by_code.get(row.code)
        if unit is None or (row.name, row.abbreviation) == (unit.name, unit.abbreviation):
            continue
        day = row.name_valid_from or today
        problem = admin.rename_problem(unit, name=row.name, abbreviation=row.abbreviation, day=day)
        if problem is None:
            renames[row.code] = day
        else:
            field, message = problem
            result.errors.append(RowError(row=row.row_number, column="name_valid_from" if field == "effective_from"
                                          else "name", code="rename_refused", message=str(message),
                                          message_en=message.in_locale("en")))
    result.sort_problems()
    return renames


def _copy(unit: OrgUnit, row: OrgUnitRow) -> None:
    unit.name, unit.kind, unit.abbreviation = row.name, row.kind, row.abbreviation
    unit.admin_code, unit.notes = row.admin_code, row.notes
    unit.valid_from, unit.valid_to = row.valid_from, row.valid_to
    unit.parent_confirms_reports = row.parent_confirms_reports


def load_org_units(session: Session, path: str | Path | None = None) -> dict:
    """The CLI's `load-org-units`: Da Nang's 2026 tree by default."""
    return import_org_units(session, actor=None, source=Path(path) if path else DANANG_2026_ORG_UNITS_CSV)


def import_users(session: Session, *, actor: User | None, source: TableSource) -> dict:
    """Create new accounts (no password yet) and update known ones: name, unit, roles, e-mail, active."""
    _require_admin(actor)
    units = dict(session.execute(select(OrgUnit.code, OrgUnit.id)).all())
    roles = {role.key: role for role in session.scalars(select(Role))}
    result = parse_users(source, known_org_unit_codes=units, known_roles=roles)
    raise_on_errors(result)
    existing = {user.username: user for user in session.scalars(
        select(User).where(User.username.in_([row.username for row in result.rows])))}
    created = updated = 0
    for row in result.rows:
        user = existing.get(row.username)
        if user is None:
            user = User(username=row.username, password_hash=UNUSABLE_HASH, token_generation=0)
            session.add(user)
            created += 1
        else:
            updated += 1
            if user.active and not row.active:
                user.token_generation += 1  # disabling revokes the tokens already issued
        user.full_name, user.email, user.active = row.full_name, row.email, row.active
        user.org_unit_id = units[row.org_unit_code]
        user.roles = [roles[key] for key in row.roles]
    session.flush()
    audit.record(session, action="users.imported", actor=actor.username if actor else None,
                 details={"created": created, "updated": updated})
    return {"created": created, "updated": updated,
            "warnings": [asdict(warning) for warning in result.warnings]}
