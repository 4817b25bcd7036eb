"""The ranges the columns hold, for the schemas that load ids and counts (PostgreSQL's INTEGER)."""

from __future__ import annotations

from marshmallow import validate

MAX_ID = 2**31 - 1
ID = validate.Range(1, MAX_ID)
COUNT = validate.Range(0, MAX_ID)
