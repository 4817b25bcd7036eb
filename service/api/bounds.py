"""The ranges and lengths the columns hold, for the schemas that load ids, counts and text.

A string longer than its column is refused by the schema (422 naming the field) on every database:
SQLite would store it whole and PostgreSQL refuse it mid-transaction. tests/api/test_input_bounds.py
walks every input schema and fails on a string field without a Length within its column.
"""

from __future__ import annotations

from marshmallow import validate
from sqlalchemy.orm import InstrumentedAttribute

from ..models import OrgUnit, Role, User

MAX_ID = 2**31 - 1
ID = validate.Range(1, MAX_ID)
COUNT = validate.Range(0, MAX_ID)


def fits(column: InstrumentedAttribute, minimum: int | None = None) -> validate.Length:
    """At most as long as the column (and at least `minimum`)."""
    return validate.Length(min=minimum, max=column.type.length)


# Text that names a row of another table (looked up, or stored as its key).
ORG_UNIT_CODE = fits(OrgUnit.code)
USERNAME = fits(User.username)
ROLE_KEY = fits(Role.key)
