"""Parse user accounts from CSV or XLSX into checked rows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from service.reference.cells import RowReader
from service.reference.import_result import ImportResult, RowError
from service.reference.tabular import SourceRow, TableSource, read_table

REQUIRED_COLUMNS = ("username", "full_name", "org_unit_code", "roles")
OPTIONAL_COLUMNS = ("email", "active")

USERNAME_PATTERN = re.compile(r"^[a-z0-9_.-]{3,64}$")
_ROLE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Deliberately loose: one '@', no spaces, a dot in the domain; the mail server is the real check.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class UserRow:
    """One user account as imported; roles are role keys, without duplicates, in file order."""

    username: str
    full_name: str
    org_unit_code: str
    roles: tuple[str, ...]
    email: str | None
    active: bool
    row_number: int = 0


def parse_users(
    source: TableSource,
    *,
    known_org_unit_codes: Iterable[str] | None = None,
    known_roles: Iterable[str] | None = None,
) -> ImportResult[UserRow]:
    """Parse and check users; org units and roles are checked only against the sets given."""
    table = read_table(source, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    result: ImportResult[UserRow] = ImportResult(
        errors=table.errors, warnings=table.warnings
    )
    if table.rows is None:
        return result
    units = None if known_org_unit_codes is None else frozenset(known_org_unit_codes)
    roles = None if known_roles is None else frozenset(known_roles)
    first_rows: dict[str, int] = {}
    for source_row in table.rows:
        user = _parse_row(source_row, result.errors, units, roles)
        username = str(source_row.values.get("username") or "").strip()
        if username in first_rows:
            result.errors.append(
                RowError.of(
                    source_row.number,
                    "username",
                    "duplicate_username",
                    value=username,
                    first_row=first_rows[username],
                )
            )
            continue
        if username:
            first_rows[username] = source_row.number
        if user is not None:
            result.rows.append(user)
    result.sort_problems()
    return result


def _parse_row(
    row: SourceRow,
    errors: list[RowError],
    units: frozenset[str] | None,
    roles: frozenset[str] | None,
) -> UserRow | None:
    read = RowReader(row, errors)
    username = read.text("username", required=True)
    if username and not USERNAME_PATTERN.match(username):
        read.error("username", "invalid_username", value=username)
    full_name = read.text("full_name", required=True, max_length=255)
    org_unit_code = read.text("org_unit_code", required=True)
    if org_unit_code and units is not None and org_unit_code not in units:
        read.error("org_unit_code", "unknown_org_unit", value=org_unit_code)
    role_keys = _role_keys(read, roles)
    email = read.optional_text("email", max_length=255)
    if email and not _EMAIL.match(email):
        read.error("email", "invalid_email", value=email)
    user = UserRow(
        username=username,
        full_name=full_name,
        org_unit_code=org_unit_code,
        roles=role_keys,
        email=email,
        active=read.boolean("active", default=True),
        row_number=row.number,
    )
    return None if read.has_errors else user


def _role_keys(read: RowReader, roles: frozenset[str] | None) -> tuple[str, ...]:
    keys: list[str] = []
    for key in (part.strip() for part in read.text("roles").split(";")):
        if not key or key in keys:
            continue
        if not _ROLE_KEY.match(key):
            read.error("roles", "invalid_role", value=key)
        elif roles is not None and key not in roles:
            read.error("roles", "unknown_role", value=key)
        keys.append(key)
    return tuple(keys)
